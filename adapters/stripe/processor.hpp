#pragma once

#include "pipeline/core/secret.hpp"
#include "pipeline/ports/refund_processor.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace refundbot::adapters::stripe {

struct stripe_settings {
    std::string api_base_url = "https://api.stripe.com";
    pipeline::core::secret secret_key;  ///< sk_live_..., sk_test_... or rk_...
    /// Pinned so Stripe's answers keep the shape this adapter reads.
    std::string api_version = "2026-07-29.dahlia";
    int max_network_retries = 2;  ///< as Stripe's SDKs: 3 attempts in all
    std::chrono::milliseconds retry_backoff{500};
    std::chrono::milliseconds max_backoff{5000};
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds request_timeout{30'000};
    std::string extra_ca_file;  ///< tests: trust a local TLS fake
};

/// Refunds through Stripe's API (`POST /v1/refunds`, form-encoded, `Idempotency-Key` from the
/// order, pinned `Stripe-Version`). Retries follow Stripe's SDKs: `Stripe-Should-Retry` wins;
/// otherwise connection errors, timeouts, 409 and 5xx are retried, 429 only for
/// `lock_timeout`; always with the same key and bounded, jittered backoff. `card_error` and
/// `invalid_request_error` answers are terminal failures with Stripe's code and message; an
/// answer that never came is `unknown` (the job retries with the same key).
/// @par Thread safety
/// Every method may be called from any thread; each blocks for at most the attempts allowed.
class stripe_processor final : public pipeline::ports::refund_processor {
public:
    explicit stripe_processor(stripe_settings settings);
    ~stripe_processor() override;
    stripe_processor(const stripe_processor&) = delete;
    stripe_processor& operator=(const stripe_processor&) = delete;

    [[nodiscard]] std::string_view name() const override { return "stripe"; }
    [[nodiscard]] pipeline::ports::refund_result refund(const pipeline::ports::refund_order& order
    ) override;
    [[nodiscard]] pipeline::ports::refund_result lookup(const std::string& refund_id) override;
    /// Lists the payment's refunds and picks the one whose metadata names the request.
    /// @throws std::runtime_error when Stripe cannot be asked.
    [[nodiscard]] std::optional<pipeline::ports::refund_result> find(
        const pipeline::ports::refund_order& order
    ) override;
    /// `GET /v1/charges/{id}`, or the payment intent with its latest charge expanded.
    /// @throws std::runtime_error when Stripe cannot be asked or the payment is unknown.
    [[nodiscard]] std::optional<pipeline::ports::payment_balance> balance(
        const std::string& payment_reference
    ) override;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::adapters::stripe
