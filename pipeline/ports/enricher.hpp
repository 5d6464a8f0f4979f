#pragma once

#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"

namespace refundbot::pipeline::ports {

/// The enrichment port: customer history, prior refunds on the order and delivery facts for a
/// request. Never blocks on a missing source; what is not known stays unknown.
class enricher {
public:
    virtual ~enricher() = default;
    [[nodiscard]] virtual model::enriched_context enrich(const model::refund_request& request) = 0;
};

}  // namespace refundbot::pipeline::ports
