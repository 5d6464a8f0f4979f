#pragma once

#include "adapters/postgres/connection_pool.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/ports/enricher.hpp"
#include "pipeline/workflow/audit_record.hpp"
#include "pipeline/workflow/state_machine.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// The channel a new job is announced on (LISTEN/NOTIFY).
inline constexpr std::string_view jobs_channel = "refundbot_jobs";

struct job {
    std::int64_t job_id = 0;
    std::string kind;        ///< "decide", "execute", "slack_card", ...
    std::string request_id;  ///< empty for jobs about no one request (the daily summary)
    int attempts = 0;        ///< including this one
    std::string key;         ///< tells jobs of one kind for one request apart
    std::string payload;     ///< JSON text, or empty
};

/// Adds a job in the caller's transaction (idempotent per kind, request and key) and announces
/// it to listening workers when the transaction commits.
void enqueue_job(
    pqxx::transaction_base& tx,
    std::string_view kind,
    const std::string& request_id,
    const std::string& key = {},
    const std::optional<std::string>& payload = std::nullopt
);

/// Queues a Slack alert about `request_id` (its card's thread and the alerts channel), once
/// per `key`. `text` is plain text; it must not contain PII.
void enqueue_alert(
    pqxx::transaction_base& tx,
    const std::string& request_id,
    const std::string& key,
    const std::string& text
);

/// `enqueue_job` for several requests in one statement, with an empty key and no payload.
void enqueue_jobs(
    pqxx::transaction_base& tx, std::string_view kind, const std::vector<std::string>& request_ids
);

/// Queues `kind` for `request_id` again (a request back in RECEIVED is decided anew), resetting
/// attempts; a job currently running is left to finish.
void rearm_job(pqxx::transaction_base& tx, std::string_view kind, const std::string& request_id);

/// Leases the next runnable job (queued and due, or running with an expired lease) with
/// SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers in any number of processes never
/// take the same job.
[[nodiscard]] std::optional<job> claim_job(pqxx::connection_base& cx, std::chrono::seconds lease);
void complete_job(pqxx::connection_base& cx, std::int64_t job_id);
/// Schedules a retry with exponential backoff and jitter, or, after attempt `max_attempts`,
/// moves the job to `dead` and queues an alert about it. @return true when the job is now dead.
bool fail_job(pqxx::connection_base& cx, const job& j, const std::string& error, int max_attempts);

struct stored_request {
    pipeline::model::refund_request request;
    pipeline::workflow::request_state state = pipeline::workflow::request_state::received;
    int version = 0;
};

/// Loads and parses a stored request (`FOR UPDATE` when `lock`).
/// @throws std::runtime_error when the row is missing or its payload no longer parses.
[[nodiscard]] stored_request load_request(
    pqxx::transaction_base& tx, const std::string& request_id, bool lock
);

/// The same, in a read transaction of its own.
[[nodiscard]] stored_request load_request(pqxx::connection_base& cx, const std::string& request_id);

/// Stores the order an order lookup completed (and the amount it priced) into a request
/// still RECEIVED, so review, execution and later decisions see it.
void save_completed_order(pqxx::connection_base& cx, const pipeline::model::refund_request& r);

/// Blocks, calling `on_job` whenever a job is announced on jobs_channel, until `stopping`
/// is set (checked at least every 250 ms). Reconnects after a lost connection; workers poll in
/// the meantime.
void listen_for_jobs(
    const database_settings& settings,
    const std::atomic<bool>& stopping,
    const std::function<void()>& on_job
);

/// Moves a request from `from` to `to` if the workflow allows it and nobody moved it since
/// `expected_version` (optimistic concurrency); appends `event` to the audit log in the same
/// transaction. @return nullopt when applied, else why not (naming who changed it first).
[[nodiscard]] std::optional<std::string> transition(
    pqxx::transaction_base& tx,
    const std::string& request_id,
    int expected_version,
    pipeline::workflow::request_state from,
    pipeline::workflow::request_state to,
    pipeline::workflow::audit_record event
);

/// Stores a decision with the enrichment it was made from (what a replay re-reads) and moves
/// the request RECEIVED -> DECIDED -> its route's state, with the audit events, in one
/// transaction; enqueues the execute job for an auto-approval, and the
/// Slack review card job for a manual review when `post_review_card`. A request that is no
/// longer RECEIVED (the job ran twice) is left alone. @return the new state.
pipeline::workflow::request_state apply_decision(
    pqxx::connection_base& cx,
    const std::string& request_id,
    int version,
    const pipeline::decision_outcome& outcome,
    const pipeline::model::enriched_context& context,
    bool post_review_card = false
);

/// Moves requests that have waited in AWAITING_EVIDENCE longer than `ttl` to EXPIRED, with an
/// EVIDENCE_EXPIRED audit event each; safe to run from several workers at once.
/// @return how many expired.
int expire_evidence_requests(pqxx::connection_base& cx, std::chrono::seconds ttl);

/// Erases a customer's email and free text (reason text, customer message) from every stored
/// request, recording a PII_ERASED audit event per request; the audit chain holds no PII and
/// stays valid. @return the number of requests changed.
int erase_customer_pii(pqxx::connection_base& cx, const std::string& customer_id);

/// Customer history and prior refunds from refundbot's own records.
class history_enricher final : public pipeline::ports::enricher {
public:
    /// `disputes_tracked`: a processor reports disputes (chargebacks table), so a customer
    /// without any has a count of zero rather than an unknown one.
    explicit history_enricher(pqxx::connection_base& cx, bool disputes_tracked = false)
        : cx_(cx), disputes_tracked_(disputes_tracked) {}
    [[nodiscard]] pipeline::model::enriched_context enrich(
        const pipeline::model::refund_request& request
    ) override;

private:
    pqxx::connection_base& cx_;
    bool disputes_tracked_;
};

}  // namespace refundbot::adapters::postgres
