#pragma once

#include "bot/server/http_message.hpp"
#include "pipeline/core/json_reader.hpp"

namespace refundbot::bot::handlers {

/// 422 `{"error": "invalid_payload", "message", "errors": [{"path", "message"}]}`: every
/// problem in a webhook body, each naming its JSON path.
[[nodiscard]] server::http_response invalid_payload(const pipeline::core::json_errors& errors);

}  // namespace refundbot::bot::handlers
