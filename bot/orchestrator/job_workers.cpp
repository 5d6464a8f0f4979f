#include "bot/orchestrator/job_workers.hpp"

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/quality_store.hpp"
#include "adapters/postgres/review_store.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace refundbot::bot::orchestrator {

namespace postgres = adapters::postgres;

struct job_workers::impl {
    impl(
        postgres::database_settings db,
        worker_settings s,
        pipeline::policy::refund_policy p,
        const pipeline::reasoning::schema_validator& c,
        adapters::telemetry::metrics_registry& metrics,
        std::vector<job_extension*> ext,
        decide_helpers h
    )
        : db_settings(db),
          settings(s),
          policy(std::move(p)),
          contract(c),
          pool([&] {
              db.pool_size = s.workers * 2;  // a worker's own connection plus one to spare
              return postgres::connection_pool(db);
          }()),
          extensions(std::move(ext)),
          orders(h.orders),
          reasoner(h.reasoner != nullptr ? h.reasoner : &rules),
          ai_calls(metrics.counter(
              "refundbot_ai_calls_total",
              "Calls to the language model, by provider and outcome (ok, invalid, failed).",
              {"provider", "outcome"}
          )),
          ai_tokens(metrics.counter(
              "refundbot_ai_tokens_total",
              "Tokens the language model read and wrote, by provider and direction.",
              {"provider", "direction"}
          )),
          ai_cost(metrics.counter(
              "refundbot_ai_cost_usd_total",
              "Estimated cost of language model calls in USD, from the configured prices.",
              {"provider"}
          )),
          ai_unavailable(metrics.counter(
              "refundbot_ai_unavailable_total",
              "Decisions where the model gave no valid answer and a human was asked instead.",
              {"provider"}
          )),
          ai_latency(metrics.histogram(
              "refundbot_ai_call_seconds",
              "Latency of language model calls.",
              {"provider"},
              {0.25, 0.5, 1, 2, 5, 10, 20, 60}
          )),
          jobs_done(metrics.counter(
              "refundbot_jobs_completed_total", "Jobs run to completion, by kind.", {"kind"}
          )),
          jobs_failed(metrics.counter(
              "refundbot_jobs_failed_total",
              "Job attempts that failed and will be retried, by kind.",
              {"kind"}
          )),
          jobs_dead(metrics.counter(
              "refundbot_jobs_dead_total",
              "Jobs moved to the dead-letter state after their last attempt, by kind.",
              {"kind"}
          )) {}

    postgres::database_settings db_settings;
    worker_settings settings;
    pipeline::policy::refund_policy policy;
    const pipeline::reasoning::schema_validator& contract;
    postgres::connection_pool pool;
    std::vector<job_extension*> extensions;
    pipeline::ports::order_source* orders;
    pipeline::reasoning::offline_reasoner rules;
    pipeline::reasoning::reasoner* reasoner;
    adapters::telemetry::counter_family& ai_calls;
    adapters::telemetry::counter_family& ai_tokens;
    adapters::telemetry::counter_family& ai_cost;
    adapters::telemetry::counter_family& ai_unavailable;
    adapters::telemetry::histogram_family& ai_latency;
    adapters::telemetry::counter_family& jobs_done;
    adapters::telemetry::counter_family& jobs_failed;
    adapters::telemetry::counter_family& jobs_dead;
    adapters::telemetry::logger log{"jobs"};

    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable wake;
    std::uint64_t announcements = 0;
    std::vector<std::thread> threads;

    void run_worker();
    void run_listener();
    void run_job(const postgres::job& j);
    void wait_for_work(std::uint64_t seen);
    void expire_waiting_requests();
    void count_model_use(const std::string& request_id, const pipeline::decision_outcome& o);
    std::atomic<std::int64_t> next_sweep_ms{0};
    std::atomic<std::int64_t> reviews_pending{0};
    std::atomic<std::int64_t> oldest_review_s{0};
    pipeline::quality::agreement_report agreement_7d;  ///< guarded by mutex
    std::atomic<bool> autonomy_recorded{false};
};

// Idle workers sweep at most once a minute per process; SKIP LOCKED keeps concurrent sweeps
// (other workers, other processes) from touching the same request.
void job_workers::impl::expire_waiting_requests() {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()
    )
                         .count();
    auto due = next_sweep_ms.load();
    const auto interval =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings.sweep_interval);
    if (now < due || !next_sweep_ms.compare_exchange_strong(due, now + interval.count())) {
        return;
    }
    try {
        auto lease = pool.acquire();
        if (const auto n = postgres::expire_evidence_requests(lease.get(), settings.evidence_ttl);
            n > 0) {
            log.info("evidence requests expired", {{"count", n}});
        }
        for (auto* e : extensions) {
            e->sweep(lease.get());
        }
        const auto backlog = postgres::current_review_backlog(lease.get());
        reviews_pending = backlog.pending;
        oldest_review_s = backlog.oldest_seconds;
        if (!autonomy_recorded) {
            // Once per process: the first policy served with a changed mode audits the change.
            for (const auto& e : postgres::record_autonomy_modes(lease.get(), policy)) {
                log.info(
                    "autonomy mode changed",
                    {{"event", e}, {"policy_version", policy.policy_version}}
                );
            }
            autonomy_recorded = true;
        }
        const auto agreement =
            postgres::agreement_since(lease.get(), std::chrono::hours(24 * 7)).finish({});
        std::lock_guard lock(mutex);
        agreement_7d = agreement;
    } catch (const std::exception& e) {
        log.warn("periodic sweep failed", {{"error", e.what()}});
    }
}

void job_workers::impl::count_model_use(
    const std::string& request_id, const pipeline::decision_outcome& o
) {
    for (const auto& c : o.model_calls) {
        ai_calls.add({c.provider, c.outcome});
        ai_tokens.add({c.provider, "input"}, static_cast<double>(c.input_tokens));
        ai_tokens.add({c.provider, "output"}, static_cast<double>(c.output_tokens));
        ai_cost.add({c.provider}, static_cast<double>(c.cost_microusd) / 1e6);
        ai_latency.observe({c.provider}, static_cast<double>(c.latency_ms) / 1000.0);
    }
    if (!o.ai_unavailable.empty()) {
        ai_unavailable.add({o.reasoner});
        log.warn(
            "model unavailable; a human decides",
            {{"refund_request_id", request_id}, {"reason", o.ai_unavailable}}
        );
    }
}

void job_workers::impl::wait_for_work(std::uint64_t seen) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, settings.poll, [&] { return stopping || announcements != seen; });
}

void job_workers::impl::run_job(const postgres::job& j) {
    auto lease = pool.acquire();
    auto& cx = lease.get();
    if (j.kind == "decide") {
        const auto stored = postgres::load_request(cx, j.request_id);
        if (stored.state != pipeline::workflow::request_state::received) {
            return;  // decided by an earlier run of this job
        }
        auto request = stored.request;
        pipeline::model::order_facts facts;
        if (orders != nullptr) {
            facts = orders->look_up(request);
        }
        const bool partial = !request.order.complete;
        const auto gap = pipeline::model::complete_request(request, facts);
        if (partial && request.order.complete) {
            postgres::save_completed_order(cx, request);
        }
        if (gap) {
            log.warn(
                "order lookup incomplete", {{"refund_request_id", j.request_id}, {"gap", *gap}}
            );
        }
        postgres::history_enricher enricher(cx, settings.disputes_tracked);
        auto context = enricher.enrich(request);
        pipeline::model::merge_shop_context(context, facts);
        if (gap) {
            context.gaps.push_back(*gap);
        }
        const auto outcome = pipeline::decide(request, context, policy, *reasoner, contract);
        const auto state = postgres::apply_decision(
            cx, j.request_id, stored.version, outcome, context, settings.post_review_cards
        );
        count_model_use(j.request_id, outcome);
        log.info(
            "decided",
            {{"refund_request_id", j.request_id},
             {"route", pipeline::approval::to_string(outcome.gate.route)},
             {"state", pipeline::workflow::to_string(state)}}
        );
        return;
    }
    for (auto* e : extensions) {
        if (e->handles(j.kind)) {
            e->run(j, cx);
            return;
        }
    }
    if (j.kind.starts_with("slack_") || j.kind.starts_with("helpdesk_")) {
        // Slack or the helpdesk is not configured: the message has nowhere to go.
        log.info(
            "integration disabled; job dropped",
            {{"kind", j.kind}, {"refund_request_id", j.request_id}}
        );
        return;
    }
    throw std::runtime_error("unknown job kind " + j.kind);
}

void job_workers::impl::run_worker() {
    while (!stopping) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(mutex);
            seen = announcements;
        }
        std::optional<postgres::job> j;
        try {
            auto lease = pool.acquire();
            j = postgres::claim_job(lease.get(), settings.lease);
        } catch (const std::exception& e) {
            log.warn("cannot claim jobs", {{"error", e.what()}});
            wait_for_work(seen);
            continue;
        }
        if (!j) {
            expire_waiting_requests();
            wait_for_work(seen);
            continue;
        }
        try {
            run_job(*j);
            auto lease = pool.acquire();
            postgres::complete_job(lease.get(), j->job_id);
            jobs_done.add({j->kind});
        } catch (const std::exception& e) {
            try {
                auto lease = pool.acquire();
                const bool dead =
                    postgres::fail_job(lease.get(), *j, e.what(), settings.max_attempts);
                (dead ? jobs_dead : jobs_failed).add({j->kind});
                log.warn(
                    dead ? "job dead after its last attempt" : "job failed; will retry",
                    {{"job_id", j->job_id},
                     {"kind", j->kind},
                     {"attempt", j->attempts},
                     {"error", e.what()}}
                );
            } catch (const std::exception& again) {
                // The lease expires and another worker retries the job.
                log.error(
                    "cannot record a job failure", {{"job_id", j->job_id}, {"error", again.what()}}
                );
            }
        }
    }
}

void job_workers::impl::run_listener() {
    postgres::listen_for_jobs(db_settings, stopping, [this] {
        std::lock_guard lock(mutex);
        ++announcements;
        wake.notify_all();
    });
}

job_workers::job_workers(
    postgres::database_settings db,
    worker_settings settings,
    pipeline::policy::refund_policy policy,
    const pipeline::reasoning::schema_validator& contract,
    adapters::telemetry::metrics_registry& metrics,
    std::vector<job_extension*> extensions,
    decide_helpers helpers
)
    : impl_(std::make_unique<impl>(
          std::move(db),
          settings,
          std::move(policy),
          contract,
          metrics,
          std::move(extensions),
          helpers
      )) {
    auto* state = impl_.get();
    metrics.gauge(
        "refundbot_reviews_pending",
        "Requests waiting for a reviewer (updated by the periodic sweep).",
        {},
        [state] {
            return std::vector<adapters::telemetry::gauge_sample>{
                {{}, static_cast<double>(state->reviews_pending.load())}};
        }
    );
    metrics.gauge(
        "refundbot_review_oldest_pending_seconds",
        "How long the oldest pending review has waited (0 when none); alert past your SLA.",
        {},
        [state] {
            return std::vector<adapters::telemetry::gauge_sample>{
                {{}, static_cast<double>(state->oldest_review_s.load())}};
        }
    );
    // Shadow mode's measure, by dimension; updated by the periodic sweep.
    const auto by_dimension = [state](bool ratio) {
        std::lock_guard lock(state->mutex);
        const auto& r = state->agreement_7d;
        std::vector<adapters::telemetry::gauge_sample> out;
        const auto add = [&](const std::string& dimension,
                             const std::string& value,
                             const pipeline::quality::agreement_cell& c) {
            if (c.compared > 0 || !ratio) {
                out.push_back(
                    {{dimension, value}, ratio ? c.rate() : static_cast<double>(c.compared)}
                );
            }
        };
        add("overall", "all", r.overall);
        for (const auto& [dimension, cells] :
             {std::pair{"category", &r.by_category},
              std::pair{"amount_band", &r.by_amount_band},
              std::pair{"source", &r.by_source},
              std::pair{"rule", &r.by_rule}}) {
            for (const auto& [value, cell] : *cells) {
                add(dimension, value, cell);
            }
        }
        return out;
    };
    metrics.gauge(
        "refundbot_agreement_ratio",
        "Share of the last 7 days' decisions, where a person approved or denied and the bot did "
        "not abstain, on which the bot's verdict matched the person's.",
        {"dimension", "value"},
        [by_dimension] { return by_dimension(true); }
    );
    metrics.gauge(
        "refundbot_agreement_compared",
        "Decisions of the last 7 days behind refundbot_agreement_ratio.",
        {"dimension", "value"},
        [by_dimension] { return by_dimension(false); }
    );
    metrics.gauge(
        "refundbot_calibration_agreement_ratio",
        "Agreement of the last 7 days by the AI's confidence bucket (reliability table).",
        {"bucket"},
        [state] {
            std::lock_guard lock(state->mutex);
            std::vector<adapters::telemetry::gauge_sample> out;
            for (const auto& b : state->agreement_7d.calibration) {
                if (b.compared > 0) {
                    out.push_back({{pipeline::quality::bucket_label(b)}, b.rate()});
                }
            }
            return out;
        }
    );
}

job_workers::~job_workers() {
    stop();
}

void job_workers::start() {
    impl_->threads.emplace_back([this] { impl_->run_listener(); });
    for (std::size_t i = 0; i < impl_->settings.workers; ++i) {
        impl_->threads.emplace_back([this] { impl_->run_worker(); });
    }
}

void job_workers::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        impl_->wake.notify_all();
    }
    for (auto& t : impl_->threads) {
        t.join();
    }
    impl_->threads.clear();
}

}  // namespace refundbot::bot::orchestrator
