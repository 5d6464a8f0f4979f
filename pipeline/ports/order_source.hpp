#pragma once

#include "pipeline/model/order_facts.hpp"
#include "pipeline/model/refund_request.hpp"

namespace refundbot::pipeline::ports {

/// An order system asked about a request's order (the shop's OMS, Shopify). It never throws
/// for an answer it could not get: timeouts, errors and unknown orders come back as
/// `order_facts::unavailable`, so the request goes on with what is known.
class order_source {
public:
    virtual ~order_source() = default;
    [[nodiscard]] virtual model::order_facts look_up(const model::refund_request& request) = 0;
};

}  // namespace refundbot::pipeline::ports
