#pragma once

#include "adapters/postgres/request_store.hpp"
#include "bot/server/http_message.hpp"
#include "pipeline/core/json_reader.hpp"

namespace refundbot::bot::handlers {

/// 422 `{"error": "invalid_payload", "message", "errors": [{"path", "message"}]}`: every
/// problem in a webhook body, each naming its JSON path.
[[nodiscard]] server::http_response invalid_payload(const pipeline::core::json_errors& errors);

/// 202 `{"request_id", "state"}` for a request stored now, 200 for a redelivery of one
/// already stored: what every trigger answers once the request is durable.
[[nodiscard]] server::http_response stored(const adapters::postgres::intake_outcome& outcome);

}  // namespace refundbot::bot::handlers
