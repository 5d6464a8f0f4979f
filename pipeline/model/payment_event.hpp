#pragma once

#include "pipeline/core/money.hpp"

#include <optional>
#include <string>
#include <vector>

namespace refundbot::pipeline::model {

/// A refund as the payment processor reports it (made by refundbot or by anyone else).
struct processor_refund {
    std::string refund_id;
    std::string status;  ///< pending, requires_action, succeeded, failed, canceled
    std::string charge_id;
    std::string payment_intent_id;
    std::string order_id;    ///< the shop's order id (Shopify refunds), empty for processors
    std::string request_id;  ///< refundbot's metadata on the refund, empty when not ours
    std::string failure_reason;
    core::money amount;
};

/// A charge's refunded total, as the processor reports it.
struct processor_charge {
    std::string charge_id;
    std::string payment_intent_id;
    core::money captured;
    std::int64_t refunded = 0;              ///< minor units
    std::vector<processor_refund> refunds;  ///< those the report carried
};

/// A dispute (chargeback) a cardholder opened with their bank.
struct processor_dispute {
    std::string dispute_id;
    std::string charge_id;
    std::string payment_intent_id;
    std::string reason;
    std::string status;
    core::money amount;
};

/// One processor webhook event, reduced to what the workflow acts on.
struct payment_event {
    std::string source;  ///< "stripe", "shopify"
    std::string event_id;
    std::string type;
    std::optional<processor_refund> refund;
    std::optional<processor_charge> charge;
    std::optional<processor_dispute> dispute;
};

}  // namespace refundbot::pipeline::model
