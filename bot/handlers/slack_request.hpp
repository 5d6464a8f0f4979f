#pragma once

#include "bot/handlers/webhook_signature.hpp"
#include "pipeline/core/secret.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refundbot::bot::handlers {

/// Verifies a request from Slack before anything parses it: `X-Slack-Signature` must be
/// `v0=` + hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body), compared in
/// constant time, and `X-Slack-Request-Timestamp` within `tolerance` of `now` either way.
[[nodiscard]] signature_result verify_slack_signature(
    std::optional<std::string_view> timestamp,
    std::optional<std::string_view> signature,
    std::string_view body,
    const pipeline::core::secret& signing_secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
);

/// The `X-Slack-Signature` value Slack would send (tests, benchmarks).
[[nodiscard]] std::string sign_slack_request(
    std::string_view signing_secret, std::int64_t timestamp, std::string_view body
);

/// Decodes `application/x-www-form-urlencoded` (`+` and `%20` both mean a space). nullopt for a
/// malformed escape.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(
    std::string_view body
);

/// The value of `name` in a decoded form, if present.
[[nodiscard]] std::optional<std::string> form_value(
    const std::vector<std::pair<std::string, std::string>>& form, std::string_view name
);

}  // namespace refundbot::bot::handlers
