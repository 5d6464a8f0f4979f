#pragma once

#include "pipeline/ports/order_source.hpp"

#include <vector>

namespace refundbot::adapters::orders {

/// Several order systems asked in turn (the shop's own lookup, then Shopify): the first that
/// finds the order answers; when none does, the reasons of all are kept for the reviewer.
class first_answer final : public pipeline::ports::order_source {
public:
    explicit first_answer(std::vector<pipeline::ports::order_source*> sources);
    [[nodiscard]] pipeline::model::order_facts look_up(
        const pipeline::model::refund_request& request
    ) override;

private:
    std::vector<pipeline::ports::order_source*> sources_;
};

}  // namespace refundbot::adapters::orders
