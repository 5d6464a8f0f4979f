#pragma once

#include "pipeline/model/payment_event.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace refundbot::adapters::stripe {

/// A webhook body read as a Stripe event.
struct parsed_event {
    std::string id;
    std::string type;
    /// Set for the types refundbot acts on (refund.*, charge.refunded, charge.dispute.*);
    /// nullopt for any other type, which is acknowledged and ignored.
    std::optional<pipeline::model::payment_event> event;
    std::string error;  ///< not an event at all: what is wrong, naming the field
};

[[nodiscard]] parsed_event parse_event(std::string_view body);

/// A Refund object (`data.object` of refund.* events, items of `GET /v1/refunds`).
[[nodiscard]] std::optional<pipeline::model::processor_refund> read_refund(
    const boost::json::object& o
);

}  // namespace refundbot::adapters::stripe
