#pragma once

#include "pipeline/core/secret.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::adapters::stripe {

struct signature_check {
    bool ok = false;
    std::string error;    ///< stable code: missing_signature, malformed_signature, ...
    std::string message;  ///< for the sender; never holds the secret or an expected MAC
};

/// Verifies `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>...][,v0=...]` as Stripe's SDKs
/// do: the signed payload is "<t>.<raw body>", HMAC-SHA256 keyed with the endpoint secret used
/// as is; any v1 may match (several during a secret roll); v0 and unknown schemes are
/// ignored; compared in constant time; only timestamps older than `tolerance` are refused.
[[nodiscard]] signature_check verify_signature(
    std::optional<std::string_view> header,
    std::string_view body,
    const pipeline::core::secret& secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance = std::chrono::seconds(300)
);

/// The v1 signature, lower-case hex, of `body` at `t` (what Stripe sends; tests and docs).
[[nodiscard]] std::string compute_signature(
    std::string_view secret, std::int64_t t, std::string_view body
);

/// "t=<t>,v1=<sig>", the header Stripe's test helpers produce.
[[nodiscard]] std::string signature_header(
    std::string_view secret, std::int64_t t, std::string_view body
);

}  // namespace refundbot::adapters::stripe
