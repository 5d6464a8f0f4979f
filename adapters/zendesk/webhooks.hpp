#pragma once

#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/secret.hpp"
#include "pipeline/model/refund_request.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::adapters::zendesk {

struct signature_check {
    bool ok = false;
    std::string error;    ///< stable code: missing_signature, stale_timestamp, ...
    std::string message;  ///< for the sender; never holds the secret or an expected MAC
};

/// Verifies `X-Zendesk-Webhook-Signature`: base64 HMAC-SHA256, keyed with the webhook's
/// signing secret used as is, of the `X-Zendesk-Webhook-Signature-Timestamp` value (ISO 8601
/// UTC) followed directly by the raw body; compared in constant time. Zendesk sets no replay
/// window, so timestamps further than `tolerance` from `now` either way are refused.
[[nodiscard]] signature_check verify_signature(
    std::optional<std::string_view> signature,
    std::optional<std::string_view> timestamp,
    std::string_view body,
    const pipeline::core::secret& secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
);

/// What Zendesk sends in X-Zendesk-Webhook-Signature for `body` at `timestamp` (tests, docs).
[[nodiscard]] std::string sign(
    std::string_view secret, std::string_view timestamp, std::string_view body
);

struct ticket_settings {
    std::string default_currency = "USD";  ///< when the ticket has no currency field
};

/// Normalizes the body rendered from deploy/zendesk/webhook-body.json into a request for
/// the ticket (`zendesk-<ticket id>`): the requester's external id (else `zendesk:<user id>`)
/// as customer, the order id and amount from custom fields, the reason and description as
/// the customer's text, public attachments as evidence. The order is partial: an order
/// lookup completes it. Errors name the body's JSON path and the field to map.
[[nodiscard]] pipeline::core::parsed<pipeline::model::refund_request> parse_ticket(
    std::string_view body, const ticket_settings& settings, pipeline::core::timestamp received_at
);

}  // namespace refundbot::adapters::zendesk
