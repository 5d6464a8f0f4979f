#pragma once

#include "adapters/postgres/execution_store.hpp"
#include "bot/orchestrator/job_workers.hpp"

#include <chrono>

namespace refundbot::pipeline::ports {
class refund_processor;
}  // namespace refundbot::pipeline::ports

namespace refundbot::adapters::telemetry {
class counter_family;
class metrics_registry;
}  // namespace refundbot::adapters::telemetry

namespace refundbot::bot::orchestrator {

struct payment_settings {
    adapters::postgres::execution_limits limits;
    /// Ask the processor what is left to refund on the payment before each refund.
    bool verify_refundable = false;
    /// An execution pending (or without an answer) longer than this is checked with the
    /// processor.
    std::chrono::seconds reconcile_after{900};
    /// A refund whose outcome stayed unknown is sent again (same key) until this age, inside
    /// Stripe's 24-hour idempotency window; after it, refundbot gives up and alerts.
    std::chrono::seconds resend_until{23 * 3600};
};

/// The money jobs: `execute` (checks, then the one refund of an approved request through the
/// processor) and `reconcile` (settles executions left pending or unanswered); the sweep
/// queues reconciliations.
class payment_jobs final : public job_extension {
public:
    payment_jobs(
        payment_settings settings,
        pipeline::ports::refund_processor& processor,
        adapters::telemetry::metrics_registry& metrics
    );

    [[nodiscard]] bool handles(std::string_view kind) const override;
    void run(const adapters::postgres::job& j, pqxx::connection_base& cx) override;
    void sweep(pqxx::connection_base& cx) override;

private:
    void execute(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void reconcile(const adapters::postgres::job& j, pqxx::connection_base& cx);

    payment_settings settings_;
    pipeline::ports::refund_processor& processor_;
    adapters::telemetry::counter_family& outcomes_;
};

}  // namespace refundbot::bot::orchestrator
