#pragma once

#include "tests/support/fake_http_server.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// A loopback Stripe API for refunds, stricter than stripe-mock and with behaviour: checks the
/// bearer key, the form content type, the pinned Stripe-Version and every `POST /v1/refunds`
/// parameter's name and type (an unknown one is 400 `invalid_request_error`); implements
/// idempotency as Stripe does (same key and parameters: the stored answer; same key, other
/// parameters: 400 `idempotency_error`); keeps each charge's refunded total so over-refunds
/// fail (`amount_too_large`, `charge_already_refunded`, `charge_disputed`). Failures, lock
/// timeouts, slow answers and pending refunds can be injected.
class fake_stripe {
public:
    explicit fake_stripe(
        std::string key = "sk_test_refundbot", std::string version = "2026-07-29.dahlia"
    );

    struct refund {
        std::string id;
        std::string charge;
        std::string payment_intent;
        std::int64_t amount = 0;
        std::string currency;  ///< lower case, as Stripe writes it
        std::string status;
        std::string reason;
        std::map<std::string, std::string> metadata;
        std::string idempotency_key;
    };

    /// A captured charge `ch_<name>` for payment intent `pi_<name>`.
    void add_charge(
        const std::string& name, std::int64_t amount, const std::string& currency = "usd"
    );
    void set_disputed(const std::string& name);

    /// The next `n` refund creations answer `status` (not stored for idempotency, as when
    /// Stripe fails before the request started executing), with `should_retry` as the
    /// Stripe-Should-Retry header when not empty.
    void fail_next(int n, unsigned status = 500, const std::string& should_retry = {});
    /// The next `n` refund creations answer 429 with code `lock_timeout`.
    void lock_timeout_next(int n);
    /// The next refund creation is carried out, then answered only after `delay`.
    void delay_next(std::chrono::milliseconds delay);
    /// The next `n` refunds are created `pending`.
    void pending_next(int n);
    /// Moves a refund to `status` (failed, canceled, succeeded); a failed or canceled refund
    /// gives its amount back to the charge. Returns the Refund object, as webhooks carry it.
    boost::json::object settle(
        const std::string& refund_id, const std::string& status, const std::string& reason = {}
    );

    /// A refund made in the Stripe dashboard (no refundbot metadata); returns it.
    refund refund_in_dashboard(const std::string& name, std::int64_t amount);

    [[nodiscard]] std::vector<refund> refunds() const;
    [[nodiscard]] std::int64_t refunded(const std::string& name) const;
    /// POST /v1/refunds requests received (attempts, including replays and refusals).
    [[nodiscard]] int refund_posts() const;
    /// The last error answered for a refund creation: "<status> <type> <code>".
    [[nodiscard]] std::vector<std::string> errors() const;
    [[nodiscard]] std::vector<bot::server::http_request> received() const {
        return server_.received();
    }
    [[nodiscard]] std::string base_url() const { return server_.base_url(); }

    /// A Refund object as Stripe serializes it.
    [[nodiscard]] static boost::json::object to_json(const refund& r);

private:
    struct charge {
        std::string id;
        std::string payment_intent;
        std::int64_t amount = 0;
        std::int64_t refunded = 0;
        std::string currency;
        bool disputed = false;
    };
    struct stored {
        std::string fingerprint;
        unsigned status = 0;
        std::string body;
    };
    struct injected {
        unsigned status = 500;
        std::string should_retry;
        std::string code;
    };

    bot::server::http_response handle(const bot::server::http_request& req);
    bot::server::http_response create_refund(const bot::server::http_request& req);
    bot::server::http_response error(
        unsigned status,
        const std::string& type,
        const std::string& code,
        const std::string& message,
        const std::string& param = {}
    );
    charge* find_charge(const std::string& charge_or_intent);
    [[nodiscard]] boost::json::object charge_json(const charge& c) const;

    std::string key_;
    std::string version_;
    mutable std::mutex mutex_;
    std::map<std::string, charge> charges_;  ///< by charge id
    std::vector<refund> refunds_;
    std::map<std::string, stored> idempotency_;
    std::deque<injected> injected_;
    std::chrono::milliseconds delay_{0};
    int pending_ = 0;
    int posts_ = 0;
    std::vector<std::string> errors_;
    fake_http_server server_;
};

}  // namespace refundbot::tests
