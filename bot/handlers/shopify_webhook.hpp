#pragma once

#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

#include <string>

namespace refundbot::adapters::postgres {
class database;
class request_store;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

struct shopify_webhook_settings {
    pipeline::core::secret secret;  ///< the app's client secret
    std::string shop_currency = "USD";
};

/// `POST /webhooks/shopify`: verified by X-Shopify-Hmac-Sha256 over the raw body (the app's
/// client secret); deduplicated by X-Shopify-Event-Id (else X-Shopify-Webhook-Id) and topic.
/// `returns/request` becomes a refund request (202; a redelivery 200, nothing new);
/// `refunds/create` records a refund made in the shop against its order before the 200, so
/// partial-refund limits count it; other topics get 200 and are ignored. 401 for a bad or
/// missing HMAC, 400 for missing headers or a body that is not a Refund, 422 naming each bad
/// field of a return, 503 when nothing could be stored (Shopify retries).
[[nodiscard]] server::handler shopify_webhook(
    shopify_webhook_settings settings,
    adapters::postgres::database& db,
    adapters::postgres::request_store& requests
);

}  // namespace refundbot::bot::handlers
