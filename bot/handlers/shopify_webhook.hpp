#pragma once

#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

/// `POST /webhooks/shopify`: verified by X-Shopify-Hmac-Sha256 over the raw body (the app's
/// client secret); deduplicated by X-Shopify-Event-Id (else X-Shopify-Webhook-Id) and topic.
/// `refunds/create` records a refund made in the shop against its order before the 200, so
/// partial-refund limits count it; other topics get 200 and are ignored. 401 for a bad or
/// missing HMAC, 400 for missing headers or a body that is not a Refund, 503 when nothing
/// could be stored (Shopify retries).
[[nodiscard]] server::handler shopify_webhook(
    pipeline::core::secret secret, adapters::postgres::database& db
);

}  // namespace refundbot::bot::handlers
