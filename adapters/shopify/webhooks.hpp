#pragma once

#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/secret.hpp"
#include "pipeline/core/timestamp.hpp"
#include "pipeline/model/payment_event.hpp"
#include "pipeline/model/refund_request.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace refundbot::adapters::shopify {

/// True when `hmac_header` (X-Shopify-Hmac-Sha256) is the base64 HMAC-SHA256 of the raw
/// `body` under the app's client secret, compared in constant time. Shopify signs no
/// timestamp, so there is no replay window; deliveries are deduplicated by event id instead.
[[nodiscard]] bool verify_hmac(
    std::string_view hmac_header, std::string_view body, const pipeline::core::secret& secret
);

/// The header Shopify would send for `body` (tests, docs).
[[nodiscard]] std::string sign(std::string_view secret, std::string_view body);

struct parsed_refund {
    /// nullopt when the refund moved no money (a restock or a note only).
    std::optional<pipeline::model::processor_refund> refund;
    std::string error;  ///< the body is not a Refund: what is wrong, naming the field
};

/// A `refunds/create` body (a REST Refund): its successful `refund` transactions, summed in
/// minor units of their currency, against its `order_id`.
[[nodiscard]] parsed_refund parse_refund(std::string_view body);

/// A `returns/request` body (a return the customer asked for) as request
/// `shopify-return-<return id>`: the order id, the returned lines (line item id and quantity)
/// and the customer's reasons and notes. Returns carry no prices, products or customer, so
/// the order is partial in the shop's currency and an order lookup completes it (and prices
/// the refund from the returned lines). Errors name the body's JSON path.
[[nodiscard]] pipeline::core::parsed<pipeline::model::refund_request> parse_return_request(
    std::string_view body, const std::string& shop_currency, pipeline::core::timestamp received_at
);

}  // namespace refundbot::adapters::shopify
