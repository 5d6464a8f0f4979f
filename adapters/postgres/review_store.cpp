#include "adapters/postgres/review_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/quality_store.hpp"
#include "adapters/postgres/workflow_store.hpp"

#include <pqxx/pqxx>

namespace refundbot::adapters::postgres {

using pipeline::workflow::request_state;
namespace workflow = pipeline::workflow;

namespace {

std::optional<human_decision> last_decision(pqxx::transaction_base& tx, const std::string& id) {
    const auto r = tx.exec_params(
        std::string("SELECT event, substr(actor, 7), to_char(occurred_at AT TIME ZONE 'UTC', "
                    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM audit_log WHERE request_id = $1 AND "
                    "actor LIKE 'human:%' AND event IN ") +
            human_decision_events + " ORDER BY seq DESC LIMIT 1",
        id
    );
    if (r.empty()) {
        return std::nullopt;
    }
    return human_decision{
        r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>()};
}

std::vector<std::string> approvers_of(pqxx::transaction_base& tx, const std::string& id) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec_params(
             "SELECT approver FROM review_approvals WHERE request_id = $1 ORDER BY approved_at", id
         )) {
        out.push_back(row[0].as<std::string>());
    }
    return out;
}

struct action_effect {
    request_state to;
    const char* event;
};

action_effect effect_of(review_action a) {
    switch (a) {
        case review_action::approve:
            return {request_state::approved, "REVIEW_APPROVED"};
        case review_action::deny:
            return {request_state::denied, "REVIEW_DENIED"};
        case review_action::request_evidence:
            return {request_state::awaiting_evidence, "EVIDENCE_REQUESTED"};
        case review_action::offer_replacement:
            return {request_state::replacement_offered, "REPLACEMENT_OFFERED"};
        case review_action::offer_store_credit:
            return {request_state::replacement_offered, "STORE_CREDIT_OFFERED"};
    }
    throw std::logic_error("unknown review action");
}

refund_stats stats_between(
    pqxx::transaction_base& tx, const std::string& from, const std::string& to
) {
    refund_stats s;
    const auto counts = tx.exec_params(
        "SELECT (SELECT count(*) FROM requests WHERE received_at >= $1 AND received_at < $2), "
        "count(*) FILTER (WHERE event = 'AUTO_APPROVED'), "
        "count(*) FILTER (WHERE event = 'REVIEW_APPROVED'), "
        "count(*) FILTER (WHERE event = 'REVIEW_DENIED'), "
        "count(*) FILTER (WHERE event = 'SENT_TO_REVIEW'), "
        "count(*) FILTER (WHERE event = 'EVIDENCE_REQUESTED'), "
        "count(*) FILTER (WHERE event = 'EXECUTION_FAILED') "
        "FROM audit_log WHERE occurred_at >= $1 AND occurred_at < $2",
        from,
        to
    );
    s.received = counts[0][0].as<std::int64_t>();
    s.auto_approved = counts[0][1].as<std::int64_t>();
    s.approved = counts[0][2].as<std::int64_t>();
    s.denied = counts[0][3].as<std::int64_t>();
    s.escalated = counts[0][4].as<std::int64_t>();
    s.awaiting_evidence = counts[0][5].as<std::int64_t>();
    s.execution_failures = counts[0][6].as<std::int64_t>();
    const auto ai = tx.exec_params(
        "SELECT count(*), count(*) FILTER (WHERE outcome <> 'ok'), "
        "coalesce(sum(cost_microusd), 0)::bigint, "
        "(SELECT count(*) FROM audit_log WHERE event = 'DECISION_MADE' AND ai_unavailable IS NOT "
        "NULL AND occurred_at >= $1 AND occurred_at < $2) "
        "FROM ai_calls WHERE called_at >= $1 AND called_at < $2",
        from,
        to
    );
    s.ai_calls = ai[0][0].as<std::int64_t>();
    s.ai_failed_calls = ai[0][1].as<std::int64_t>();
    s.ai_cost_microusd = ai[0][2].as<std::int64_t>();
    s.ai_unavailable = ai[0][3].as<std::int64_t>();
    for (const auto& row : tx.exec_params(
             "SELECT currency, sum(amount)::bigint FROM executions WHERE state = 'succeeded' AND "
             "finished_at >= $1 AND finished_at < $2 GROUP BY currency ORDER BY currency",
             from,
             to
         )) {
        s.refunded[row[0].as<std::string>()] = row[1].as<std::int64_t>();
    }
    // Time from SENT_TO_REVIEW to the human decision.
    const auto human = tx.exec_params(
        std::string(
            "WITH d AS (SELECT extract(epoch FROM a.occurred_at - "
            "  (SELECT max(s.occurred_at) FROM audit_log s WHERE s.request_id = a.request_id AND "
            "   s.event = 'SENT_TO_REVIEW' AND s.seq < a.seq)) AS wait_s "
            "  FROM audit_log a WHERE a.occurred_at >= $1 AND a.occurred_at < $2 AND "
            "  a.actor LIKE 'human:%' AND a.event IN "
        ) + human_decision_events +
            ") SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_s), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY wait_s) FROM d",
        from,
        to
    );
    if (!human[0][0].is_null()) {
        s.median_decision_s = human[0][0].as<double>();
        s.p90_decision_s = human[0][1].as<double>();
    }
    tally_agreement(tx, from, to, s.agreement);
    for (const auto& row : tx.exec_params(
             "SELECT d.report->'decision'->>'category' AS c, count(*) FROM decisions d JOIN "
             "requests r USING (request_id) WHERE r.received_at >= $1 AND r.received_at < $2 AND "
             "d.report->'decision'->>'category' IS NOT NULL GROUP BY c ORDER BY count(*) DESC, c "
             "LIMIT 3",
             from,
             to
         )) {
        s.top_categories.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>());
    }
    const auto oldest = tx.exec(
        "SELECT request_id, extract(epoch FROM now() - updated_at)::bigint FROM requests WHERE "
        "state = 'PENDING_REVIEW' ORDER BY updated_at LIMIT 1"
    );
    if (!oldest.empty()) {
        s.oldest_pending = oldest[0][0].as<std::string>() + " (" +
                           std::to_string(oldest[0][1].as<std::int64_t>() / 3600) + " h)";
    }
    return s;
}

}  // namespace

bool enqueue_job_now(
    pqxx::connection_base& cx,
    std::string_view kind,
    const std::string& request_id,
    const std::string& key,
    const std::optional<std::string>& payload
) {
    pqxx::work tx(cx);
    if (!request_id.empty() &&
        tx.exec_params("SELECT 1 FROM requests WHERE request_id = $1", request_id).empty()) {
        return false;
    }
    enqueue_job(tx, kind, request_id, key, payload);
    tx.commit();
    return true;
}

std::string_view to_string(review_action a) {
    switch (a) {
        case review_action::approve:
            return "approve";
        case review_action::deny:
            return "deny";
        case review_action::request_evidence:
            return "request_evidence";
        case review_action::offer_replacement:
            return "offer_replacement";
        case review_action::offer_store_credit:
            return "offer_store_credit";
    }
    return "unknown";
}

void record_card(pqxx::connection_base& cx, const std::string& request_id, const card_ref& card) {
    pqxx::work tx(cx);
    tx.exec_params(
        "INSERT INTO slack_cards (request_id, request_version, channel, ts) VALUES ($1, $2, $3, "
        "$4) ON CONFLICT (request_id, request_version) DO UPDATE SET channel = EXCLUDED.channel, "
        "ts = EXCLUDED.ts",
        request_id,
        card.version,
        card.channel,
        card.ts
    );
    tx.commit();
}

std::optional<card_ref> find_card(
    pqxx::connection_base& cx, const std::string& request_id, std::optional<int> version
) {
    pqxx::read_transaction tx(cx);
    const auto r = tx.exec_params(
        "SELECT channel, ts, request_version FROM slack_cards WHERE request_id = $1 AND "
        "($2::int IS NULL OR request_version = $2) ORDER BY request_version DESC LIMIT 1",
        request_id,
        version
    );
    if (r.empty()) {
        return std::nullopt;
    }
    return card_ref{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<int>()};
}

std::optional<std::string> decision_report(
    pqxx::connection_base& cx, const std::string& request_id
) {
    pqxx::read_transaction tx(cx);
    const auto r =
        tx.exec_params("SELECT report::text FROM decisions WHERE request_id = $1", request_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return r[0][0].as<std::string>();
}

review_outcome apply_review(pqxx::connection_base& cx, const review_input& in) {
    pqxx::work tx(cx);
    const auto current = load_request(tx, in.request_id, true);
    review_outcome out;
    out.state = current.state;
    out.version = current.version;
    if (current.state != request_state::pending_review) {
        out.result = review_outcome::kind::already_decided;
        out.previous = last_decision(tx, in.request_id);
        tx.commit();
        return out;
    }
    const auto actor = "human:" + in.reviewer;
    if (in.action == review_action::approve && in.four_eyes) {
        const auto added = tx.exec_params(
            "INSERT INTO review_approvals (request_id, approver) VALUES ($1, $2) ON CONFLICT DO "
            "NOTHING",
            in.request_id,
            in.reviewer
        );
        out.approvers = approvers_of(tx, in.request_id);
        if (added.affected_rows() == 0) {
            out.result = review_outcome::kind::duplicate_approval;
            tx.commit();
            return out;
        }
        if (out.approvers.size() < 2) {
            workflow::audit_record e;
            e.request_id = in.request_id;
            e.event = "APPROVAL_RECORDED";
            e.actor = actor;
            e.human_override = "APPROVE 1 of 2";
            append_audit(tx, std::move(e));
            out.result = review_outcome::kind::approval_recorded;
            tx.commit();
            return out;
        }
    }
    const auto effect = effect_of(in.action);
    workflow::audit_record e;
    e.request_id = in.request_id;
    e.event = effect.event;
    e.actor = actor;
    e.amount_requested = current.request.refund.amount_requested;
    e.currency = current.request.order.currency;
    e.human_override =
        in.action == review_action::deny ? "DENY:" + in.reason : std::string(to_string(in.action));
    if (auto why = transition(
            tx, in.request_id, current.version, request_state::pending_review, effect.to, e
        )) {
        throw std::runtime_error(*why);  // the row is locked: this is not a lost race
    }
    out.state = effect.to;
    out.version = current.version + 1;
    if (in.action == review_action::approve) {
        rearm_job(tx, "execute", in.request_id);  // a capped auto-approval ran it once
    } else {
        enqueue_job(tx, "slack_resolve", in.request_id, std::to_string(out.version));
    }
    if (in.action == review_action::deny && !in.note.empty()) {
        tx.exec_params(
            "INSERT INTO review_notes (request_id, author, reason, note) VALUES ($1, $2, $3, $4)",
            in.request_id,
            in.reviewer,
            in.reason,
            in.note
        );
    }
    tx.commit();
    return out;
}

std::optional<human_decision> last_human_decision(
    pqxx::connection_base& cx, const std::string& request_id
) {
    pqxx::read_transaction tx(cx);
    return last_decision(tx, request_id);
}

void record_review_event(
    pqxx::connection_base& cx,
    const std::string& request_id,
    std::string_view event,
    const std::string& actor,
    std::optional<std::string> detail
) {
    pqxx::work tx(cx);
    workflow::audit_record e;
    e.request_id = request_id;
    e.event = std::string(event);
    e.actor = actor;
    e.human_override = std::move(detail);
    append_audit(tx, std::move(e));
    tx.commit();
}

std::optional<std::string> find_request_id(pqxx::connection_base& cx, std::string_view id) {
    pqxx::read_transaction tx(cx);
    const auto r = tx.exec_params(
        "SELECT request_id FROM requests WHERE request_id = $1 OR order_id = $1 OR "
        "payload->>'ticket_id' = $1 ORDER BY (request_id = $1) DESC, received_at DESC LIMIT 1",
        std::string(id)
    );
    if (r.empty()) {
        return std::nullopt;
    }
    return r[0][0].as<std::string>();
}

namespace {

request_summary summary_row(const pqxx::row& row) {
    request_summary s;
    s.request_id = row[0].as<std::string>();
    s.state = workflow::parse_state(row[1].as<std::string>()).value_or(request_state::received);
    s.amount = row[2].as<std::int64_t>();
    s.currency = row[3].as<std::string>();
    s.age_seconds = row[4].as<std::int64_t>();
    return s;
}

constexpr const char* summary_columns =
    "SELECT request_id, state, amount_requested, currency, extract(epoch FROM now() - "
    "updated_at)::bigint FROM requests ";

}  // namespace

std::optional<request_summary> summarize_request(
    pqxx::connection_base& cx, const std::string& request_id
) {
    pqxx::read_transaction tx(cx);
    const auto r =
        tx.exec_params(std::string(summary_columns) + "WHERE request_id = $1", request_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return summary_row(r[0]);
}

review_backlog current_review_backlog(pqxx::connection_base& cx) {
    pqxx::read_transaction tx(cx);
    const auto row = tx.exec1(
        "SELECT count(*), coalesce(extract(epoch FROM now() - min(updated_at))::bigint, 0) "
        "FROM requests WHERE state = 'PENDING_REVIEW'"
    );
    return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
}

std::vector<request_summary> pending_reviews(pqxx::connection_base& cx, int limit) {
    pqxx::read_transaction tx(cx);
    std::vector<request_summary> out;
    for (const auto& row : tx.exec_params(
             std::string(summary_columns) +
                 "WHERE state = 'PENDING_REVIEW' ORDER BY updated_at LIMIT $1",
             limit
         )) {
        out.push_back(summary_row(row));
    }
    return out;
}

refund_stats stats_since(pqxx::connection_base& cx, std::chrono::seconds window) {
    pqxx::read_transaction tx(cx);
    const auto range = tx.exec_params(
        "SELECT (now() - make_interval(secs => $1))::text, (now() + interval '1 second')::text",
        static_cast<double>(window.count())
    );
    return stats_between(tx, range[0][0].as<std::string>(), range[0][1].as<std::string>());
}

refund_stats stats_for_day(
    pqxx::connection_base& cx, const std::string& day, const std::string& tz
) {
    pqxx::read_transaction tx(cx);
    const auto range = tx.exec_params(
        "SELECT ($1::date::timestamp AT TIME ZONE $2)::text, "
        "(($1::date + 1)::timestamp AT TIME ZONE $2)::text",
        day,
        tz
    );
    return stats_between(tx, range[0][0].as<std::string>(), range[0][1].as<std::string>());
}

int schedule_reminders(
    pqxx::connection_base& cx,
    std::chrono::seconds remind_after,
    std::chrono::seconds escalate_after
) {
    pqxx::work tx(cx);
    int queued = 0;
    for (const auto& [level, after] :
         {std::pair{"remind", remind_after}, std::pair{"escalate", escalate_after}}) {
        const auto rows = tx.exec_params(
            "INSERT INTO review_reminders (request_id, level) SELECT r.request_id, $1 FROM "
            "requests r WHERE r.state = 'PENDING_REVIEW' AND r.updated_at < now() - "
            "make_interval(secs => $2) AND EXISTS (SELECT 1 FROM slack_cards c WHERE "
            "c.request_id = r.request_id) ON CONFLICT DO NOTHING RETURNING request_id",
            std::string(level),
            static_cast<double>(after.count())
        );
        for (const auto& row : rows) {
            enqueue_job(tx, "slack_reminder", row[0].as<std::string>(), level);
            ++queued;
        }
    }
    tx.commit();
    return queued;
}

std::vector<std::string> schedule_daily_summaries(
    pqxx::connection_base& cx, const std::string& hh_mm, const std::string& tz
) {
    pqxx::work tx(cx);
    // The latest day whose post time has passed: local now minus the post time, minus a day.
    // Days missed since the last summary (the bot was down) follow, a week back at most; a
    // fresh install starts with the latest day only.
    const auto rows = tx.exec_params(
        "WITH latest AS (SELECT ((now() AT TIME ZONE $2) - $1::time)::date - 1 AS day), "
        "first AS (SELECT GREATEST(COALESCE((SELECT max(day) + 1 FROM daily_summaries), "
        "(SELECT day FROM latest)), (SELECT day FROM latest) - 6) AS day) "
        "INSERT INTO daily_summaries (day, timezone) SELECT d::date, $2 FROM "
        "generate_series((SELECT day FROM first)::timestamp, (SELECT day FROM latest)::timestamp, "
        "interval '1 day') d "
        "ON CONFLICT DO NOTHING RETURNING day::text",
        hh_mm,
        tz
    );
    std::vector<std::string> days;
    for (const auto& row : rows) {
        days.push_back(row[0].as<std::string>());
        enqueue_job(tx, "slack_summary", "", days.back());
    }
    tx.commit();
    return days;
}

void mark_summary_posted(pqxx::connection_base& cx, const std::string& day) {
    pqxx::work tx(cx);
    tx.exec_params("UPDATE daily_summaries SET posted_at = now() WHERE day = $1::date", day);
    tx.commit();
}

}  // namespace refundbot::adapters::postgres
