#pragma once

#include "pipeline/quality/agreement.hpp"
#include "pipeline/workflow/state_machine.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// The audit events that record a person's decision on a review, as an SQL list.
inline constexpr const char* human_decision_events =
    "('REVIEW_APPROVED', 'REVIEW_DENIED', 'EVIDENCE_REQUESTED', 'REPLACEMENT_OFFERED', "
    "'STORE_CREDIT_OFFERED')";

/// Adds a job in a transaction of its own (see enqueue_job). @return false, adding nothing, when
/// `request_id` is given and no such request exists.
bool enqueue_job_now(
    pqxx::connection_base& cx,
    std::string_view kind,
    const std::string& request_id,
    const std::string& key,
    const std::optional<std::string>& payload
);

/// Where a review card was posted.
struct card_ref {
    std::string channel;
    std::string ts;
    int version = 0;
};

void record_card(pqxx::connection_base& cx, const std::string& request_id, const card_ref& card);
/// The card posted for `version`, or the latest card when none is given.
[[nodiscard]] std::optional<card_ref> find_card(
    pqxx::connection_base& cx, const std::string& request_id, std::optional<int> version = {}
);

/// The stored decision report (JSON text) of a request.
[[nodiscard]] std::optional<std::string> decision_report(
    pqxx::connection_base& cx, const std::string& request_id
);

enum class review_action { approve, deny, request_evidence, offer_replacement, offer_store_credit };
[[nodiscard]] std::string_view to_string(review_action a);

struct review_input {
    std::string request_id;
    std::string reviewer;  ///< Slack user id
    review_action action = review_action::approve;
    bool four_eyes = false;  ///< an approval needs a second, different approver
    std::string reason;      ///< deny reason code
    std::string note;        ///< deny note (free text; kept out of the audit log)
};

/// The last human decision on a request, from the audit log.
struct human_decision {
    std::string event;
    std::string reviewer;  ///< Slack user id
    std::string at;        ///< RFC 3339, UTC
};

struct review_outcome {
    enum class kind {
        applied,             ///< the request moved; see `state`
        approval_recorded,   ///< first of two approvals
        duplicate_approval,  ///< this reviewer already approved; a different one must
        already_decided,     ///< the request is no longer in review; see `previous`
    };
    kind result = kind::applied;
    pipeline::workflow::request_state state = pipeline::workflow::request_state::pending_review;
    int version = 0;  ///< the request's version after the change
    std::vector<std::string> approvers;
    std::optional<human_decision> previous;
};

/// Applies a reviewer's decision in one transaction, the request row locked: the state
/// transition with its audit event (actor `human:<id>`), the approval row for four-eyes, the
/// deny note, the execute job for an approval and the card-update job for the others. A request
/// that is no longer PENDING_REVIEW is left alone (a second click, a concurrent reviewer).
[[nodiscard]] review_outcome apply_review(pqxx::connection_base& cx, const review_input& in);

[[nodiscard]] std::optional<human_decision> last_human_decision(
    pqxx::connection_base& cx, const std::string& request_id
);

/// Appends a review event on its own (UNAUTHORIZED_ATTEMPT, REVIEW_REMINDER_SENT, ...).
void record_review_event(
    pqxx::connection_base& cx,
    const std::string& request_id,
    std::string_view event,
    const std::string& actor,
    std::optional<std::string> detail
);

/// A request id for a request id, order id or ticket id (the most recent match).
[[nodiscard]] std::optional<std::string> find_request_id(
    pqxx::connection_base& cx, std::string_view id
);

struct request_summary {
    std::string request_id;
    pipeline::workflow::request_state state = pipeline::workflow::request_state::received;
    std::int64_t amount = 0;
    std::string currency;
    std::int64_t age_seconds = 0;  ///< since it entered its current state
};
[[nodiscard]] std::optional<request_summary> summarize_request(
    pqxx::connection_base& cx, const std::string& request_id
);

/// Requests in PENDING_REVIEW, oldest first.
[[nodiscard]] std::vector<request_summary> pending_reviews(pqxx::connection_base& cx, int limit);

/// How many reviews wait, and how long the oldest has (0 when none): the SLA gauges.
struct review_backlog {
    std::int64_t pending = 0;
    std::int64_t oldest_seconds = 0;
};
[[nodiscard]] review_backlog current_review_backlog(pqxx::connection_base& cx);

/// Counts over a time range (requests received in it, decisions taken in it).
struct refund_stats {
    std::int64_t received = 0;
    std::int64_t auto_approved = 0;
    std::int64_t approved = 0;  ///< by people
    std::int64_t denied = 0;    ///< by people
    std::int64_t escalated = 0;
    std::int64_t awaiting_evidence = 0;  ///< evidence requested in the range
    std::int64_t execution_failures = 0;
    std::map<std::string, std::int64_t> refunded;  ///< minor units per currency
    // Daily summary extras.
    std::optional<double> median_decision_s;
    std::optional<double> p90_decision_s;
    std::vector<std::pair<std::string, std::int64_t>> top_categories;
    std::optional<std::string> oldest_pending;  ///< request id and age
    // Language model use (zero when decisions are made by the rules reasoner).
    std::int64_t ai_calls = 0;
    std::int64_t ai_failed_calls = 0;  ///< failed or invalid answers
    std::int64_t ai_unavailable = 0;   ///< decisions a human took because the model gave none
    std::int64_t ai_cost_microusd = 0;
    /// The bot's verdicts on the decisions in the range against what people decided (shadow
    /// mode's measure); finish it with the policy's autonomy bar.
    pipeline::quality::agreement_tally agreement;
};

/// Stats for the last `window`.
[[nodiscard]] refund_stats stats_since(pqxx::connection_base& cx, std::chrono::seconds window);
/// Stats for local calendar day `day` (YYYY-MM-DD) in IANA time zone `tz`.
[[nodiscard]] refund_stats stats_for_day(
    pqxx::connection_base& cx, const std::string& day, const std::string& tz
);

/// Queues one reminder per request in review longer than `remind_after`, and one escalation
/// per request longer than `escalate_after`; each only ever once. @return how many queued.
int schedule_reminders(
    pqxx::connection_base& cx,
    std::chrono::seconds remind_after,
    std::chrono::seconds escalate_after
);

/// Queues the daily summary for each local day whose post time (`hh_mm` the next day in `tz`)
/// has passed and that has not been queued yet: the latest such day, and days missed since the
/// last one (up to a week back). @return the days queued.
std::vector<std::string> schedule_daily_summaries(
    pqxx::connection_base& cx, const std::string& hh_mm, const std::string& tz
);
void mark_summary_posted(pqxx::connection_base& cx, const std::string& day);

}  // namespace refundbot::adapters::postgres
