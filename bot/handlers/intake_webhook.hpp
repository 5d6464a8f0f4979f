#pragma once

#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

#include <chrono>
#include <vector>

namespace refundbot::adapters::postgres {
class request_store;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

struct intake_settings {
    /// Current and, during a rotation, previous signing secret; empty disables intake (503).
    std::vector<pipeline::core::secret> secrets;
    std::chrono::seconds tolerance{300};
};

/// `POST /webhooks/requests`: the normalized request JSON, signed (see webhook_signature.hpp).
/// 202 `{request_id, state}` once committed; 200 with the stored request for a redelivery;
/// 401 for a missing, malformed, stale or wrong signature; 422 listing every bad JSON path;
/// 409 when the request id belongs to another event; 503 when the database is unavailable (the
/// sender retries). Nothing is stored for a rejected request.
[[nodiscard]] server::handler intake_webhook(
    intake_settings settings, adapters::postgres::request_store& store
);

}  // namespace refundbot::bot::handlers
