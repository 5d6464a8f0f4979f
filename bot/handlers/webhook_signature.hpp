#pragma once

#include "pipeline/core/secret.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::bot::handlers {

enum class signature_status { ok, missing, malformed, stale, mismatch };

struct signature_result {
    signature_status status = signature_status::missing;
    std::string error;  ///< stable code for the JSON body: missing_signature, stale_timestamp, ...
    std::string message;  ///< for the caller; never contains the secret or the expected MAC
};

/// Verifies `X-Refundbot-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, where each v1 is
/// HMAC-SHA256(secret, "<t>.<raw body>") in hex. Several v1 values (the sender signing with old
/// and new secret during a rotation) and several receiver `secrets` are accepted; a match on
/// any pair passes. Timestamps more than `tolerance` from `now` are stale. MACs are compared in
/// constant time.
[[nodiscard]] signature_result verify_refundbot_signature(
    std::optional<std::string_view> header,
    std::string_view body,
    const std::vector<pipeline::core::secret>& secrets,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
);

/// The header value for `body` signed at `t` with `secret` (tests, the sandbox replayer, docs).
[[nodiscard]] std::string sign_refundbot_request(
    std::string_view secret, std::int64_t t, std::string_view body
);

}  // namespace refundbot::bot::handlers
