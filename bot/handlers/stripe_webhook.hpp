#pragma once

#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

#include <chrono>

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

struct stripe_webhook_settings {
    pipeline::core::secret endpoint_secret;  ///< whsec_...
    std::chrono::seconds tolerance{300};
};

/// `POST /webhooks/stripe`: a Stripe event, verified by `Stripe-Signature` over the raw body.
/// Refund, charge.refunded and dispute events are applied (deduplicated by event id) before
/// the 200; other types get 200 and are ignored. 400 for a bad signature or a body that is not
/// an event, naming the problem; 503 when nothing could be stored (Stripe retries).
[[nodiscard]] server::handler stripe_webhook(
    stripe_webhook_settings settings, adapters::postgres::database& db
);

}  // namespace refundbot::bot::handlers
