#pragma once

#include "adapters/postgres/settings.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/ports/order_source.hpp"
#include "pipeline/reasoning/reasoner.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace refundbot::adapters::telemetry {
class metrics_registry;
}  // namespace refundbot::adapters::telemetry

namespace refundbot::bot::orchestrator {

struct worker_settings {
    std::size_t workers = 2;
    std::chrono::seconds lease{60};        ///< a job not finished by then is taken again
    std::chrono::milliseconds poll{1000};  ///< fallback when no NOTIFY arrives
    int max_attempts = 8;                  ///< then the job is dead and alerted
    /// AWAITING_EVIDENCE longer than this expires.
    std::chrono::seconds evidence_ttl{7 * 24 * 3600};
    /// How often an idle worker runs the periodic sweeps (expiry, reminders, summaries).
    std::chrono::seconds sweep_interval{60};
    /// Slack is on: a request routed to review gets a card job.
    bool post_review_cards = false;
    /// A processor reports disputes, so a customer's chargeback count is known.
    bool disputes_tracked = false;
};

/// Jobs beyond the core workflow (the Slack review loop), run by the same workers.
class job_extension {
public:
    virtual ~job_extension() = default;
    [[nodiscard]] virtual bool handles(std::string_view kind) const = 0;
    /// Runs one job; an exception makes it retry with backoff.
    virtual void run(const adapters::postgres::job& j, pqxx::connection_base& cx) = 0;
    /// Queues periodic work (reminders, the daily summary); called from idle workers.
    virtual void sweep(pqxx::connection_base& cx) = 0;
};

/// What the decide job asks beyond its own database: an order system, and the reasoner (a
/// language model; the offline rules reasoner when none is given).
struct decide_helpers {
    pipeline::ports::order_source* orders = nullptr;
    pipeline::reasoning::reasoner* reasoner = nullptr;
};

/// Runs the workflow's jobs: `decide` (complete the order and enrich from the order system when
/// one is configured, enrich from history, the pure pipeline with the configured reasoner,
/// store the decision, the model's calls and the route) itself, every other kind through the
/// extensions (payments, the Slack review loop). Workers are threads of their own with their own
/// connections; a LISTEN connection wakes them when a job is enqueued. Several processes may
/// run workers on one database.
/// @par Thread safety
/// start() and stop() from one thread.
class job_workers {
public:
    job_workers(
        adapters::postgres::database_settings db,
        worker_settings settings,
        pipeline::policy::refund_policy policy,
        const pipeline::reasoning::schema_validator& contract,
        adapters::telemetry::metrics_registry& metrics,
        std::vector<job_extension*> extensions,
        decide_helpers helpers = {}
    );
    ~job_workers();
    job_workers(const job_workers&) = delete;
    job_workers& operator=(const job_workers&) = delete;

    void start();
    /// Lets running jobs finish, then joins the threads.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::bot::orchestrator
