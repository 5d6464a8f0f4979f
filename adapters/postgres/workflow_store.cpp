// The durable workflow: job queue, checked state transitions, decisions and executions. Every
// state change commits together with its audit event.
#include "adapters/postgres/workflow_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/telemetry/log.hpp"
#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/json_writer.hpp"
#include "pipeline/core/redact.hpp"

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include <random>
#include <thread>

namespace refundbot::adapters::postgres {

namespace workflow = pipeline::workflow;
using workflow::request_state;

namespace {

std::string state_name(request_state s) {
    return std::string(workflow::to_string(s));
}

workflow::audit_record event_for(
    const std::string& request_id, std::string event, std::string actor = "system"
) {
    workflow::audit_record r;
    r.request_id = request_id;
    r.event = std::move(event);
    r.actor = std::move(actor);
    return r;
}

// Backoff before attempt n+1: 2^n seconds (capped at 10 minutes), with up to 50% jitter so
// that jobs failing together do not retry together.
std::chrono::milliseconds backoff(int attempts) {
    thread_local std::mt19937 rng{std::random_device{}()};
    const auto base = std::chrono::milliseconds(1000) * (1LL << std::min(attempts, 10));
    const auto capped = std::min<std::chrono::milliseconds>(base, std::chrono::minutes(10));
    std::uniform_int_distribution<long long> jitter(0, capped.count() / 2);
    return capped + std::chrono::milliseconds(jitter(rng));
}

}  // namespace

void enqueue_job(
    pqxx::transaction_base& tx,
    std::string_view kind,
    const std::string& request_id,
    const std::string& key,
    const std::optional<std::string>& payload
) {
    tx.exec_params(
        "INSERT INTO jobs (kind, request_id, job_key, payload) VALUES ($1, NULLIF($2, ''), $3, "
        "$4::jsonb) ON CONFLICT (kind, request_id, job_key) DO NOTHING",
        std::string(kind),
        request_id,
        key,
        payload
    );
    tx.exec_params("SELECT pg_notify($1, $2)", std::string(jobs_channel), std::string(kind));
}

void enqueue_alert(
    pqxx::transaction_base& tx,
    const std::string& request_id,
    const std::string& key,
    const std::string& text
) {
    pipeline::core::json_writer w(text.size() + 32);
    w.begin_object().key("text").value(text).end_object();
    enqueue_job(tx, "slack_alert", request_id, key, w.take());
}

void enqueue_jobs(
    pqxx::transaction_base& tx, std::string_view kind, const std::vector<std::string>& request_ids
) {
    if (request_ids.empty()) {
        return;
    }
    const auto quoted_kind = tx.quote(std::string(kind));
    std::string sql = "INSERT INTO jobs (kind, request_id) VALUES ";
    for (const auto& id : request_ids) {
        sql += &id == &request_ids.front() ? "(" : ", (";
        sql += quoted_kind + ", " + tx.quote(id) + ")";
    }
    tx.exec(sql + " ON CONFLICT (kind, request_id, job_key) DO NOTHING");
    tx.exec_params("SELECT pg_notify($1, $2)", std::string(jobs_channel), std::string(kind));
}

void rearm_job(pqxx::transaction_base& tx, std::string_view kind, const std::string& request_id) {
    tx.exec_params(
        "INSERT INTO jobs (kind, request_id) VALUES ($1, $2) ON CONFLICT (kind, request_id, "
        "job_key) DO "
        "UPDATE "
        "SET state = 'queued', attempts = 0, run_after = now(), leased_until = NULL, last_error = "
        "NULL, "
        "updated_at = now() WHERE jobs.state IN ('done', 'dead')",
        std::string(kind),
        request_id
    );
    tx.exec_params("SELECT pg_notify($1, $2)", std::string(jobs_channel), std::string(kind));
}

std::optional<job> claim_job(pqxx::connection_base& cx, std::chrono::seconds lease) {
    pqxx::work tx(cx);
    const auto r = tx.exec_params(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, "
        "leased_until = now() + make_interval(secs => $1), updated_at = now() "
        "WHERE job_id = (SELECT job_id FROM jobs "
        "  WHERE (state = 'queued' AND run_after <= now()) OR (state = 'running' AND leased_until "
        "< now()) "
        "  ORDER BY run_after LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING job_id, kind, COALESCE(request_id, ''), attempts, job_key, "
        "COALESCE(payload::text, '')",
        static_cast<double>(lease.count())
    );
    tx.commit();
    if (r.empty()) {
        return std::nullopt;
    }
    return job{
        r[0][0].as<std::int64_t>(),
        r[0][1].as<std::string>(),
        r[0][2].as<std::string>(),
        r[0][3].as<int>(),
        r[0][4].as<std::string>(),
        r[0][5].as<std::string>(),
    };
}

void complete_job(pqxx::connection_base& cx, std::int64_t job_id) {
    pqxx::work tx(cx);
    tx.exec_params(
        "UPDATE jobs SET state = 'done', leased_until = NULL, updated_at = now() WHERE job_id = $1",
        job_id
    );
    tx.commit();
}

bool fail_job(pqxx::connection_base& cx, const job& j, const std::string& error, int max_attempts) {
    const bool dead = j.attempts >= max_attempts;
    pqxx::work tx(cx);
    tx.exec_params(
        "UPDATE jobs SET state = $2, last_error = $3, leased_until = NULL, updated_at = now(), "
        "run_after = now() + make_interval(secs => $4) WHERE job_id = $1",
        j.job_id,
        std::string(dead ? "dead" : "queued"),
        error.substr(0, 1000),
        static_cast<double>(backoff(j.attempts).count()) / 1000.0
    );
    // A dead letter needs a person: say so where operations look. (Not for a dead alert: Slack
    // is what failed, and the log line and refundbot_jobs_dead_total still show it.)
    if (dead && j.kind != "slack_alert") {
        enqueue_alert(
            tx,
            j.request_id,
            "dead:" + j.kind + ":" + std::to_string(j.job_id),
            "Job " + j.kind + (j.request_id.empty() ? "" : " for " + j.request_id) +
                " stopped after " + std::to_string(j.attempts) +
                " attempts: " + pipeline::core::redact(error.substr(0, 300))
        );
    }
    tx.commit();
    return dead;
}

stored_request load_request(pqxx::transaction_base& tx, const std::string& request_id, bool lock) {
    const auto r = tx.exec_params(
        std::string("SELECT payload::text, state, version FROM requests WHERE request_id = $1") +
            (lock ? " FOR UPDATE" : ""),
        request_id
    );
    if (r.empty()) {
        throw std::runtime_error("request " + request_id + " does not exist");
    }
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(r[0][0].as<std::string>(), errors);
    auto parsed = doc ? pipeline::model::parse_refund_request(*doc)
                      : pipeline::core::parsed<pipeline::model::refund_request>{};
    if (!parsed.ok()) {
        throw std::runtime_error("stored request " + request_id + " no longer parses");
    }
    const auto state = workflow::parse_state(r[0][1].as<std::string>());
    return {std::move(*parsed.value), state.value_or(request_state::received), r[0][2].as<int>()};
}

stored_request load_request(pqxx::connection_base& cx, const std::string& request_id) {
    pqxx::read_transaction tx(cx);
    auto stored = load_request(tx, request_id, false);
    tx.commit();
    return stored;
}

void listen_for_jobs(
    const database_settings& settings,
    const std::atomic<bool>& stopping,
    const std::function<void()>& on_job
) {
    struct receiver final : pqxx::notification_receiver {
        receiver(pqxx::connection_base& cx, const std::function<void()>& f)
            : pqxx::notification_receiver(cx, std::string(jobs_channel)), callback(f) {}
        void operator()(const std::string&, int) override { callback(); }
        const std::function<void()>& callback;
    };
    static const telemetry::logger log("jobs");
    while (!stopping) {
        try {
            pqxx::connection cx(connection_string(settings));
            receiver r(cx, on_job);
            on_job();  // catch up on anything enqueued while not listening
            while (!stopping) {
                cx.await_notification(0, 250'000);
            }
        } catch (const std::exception& e) {
            log.warn("job notifications unavailable; workers poll", {{"error", e.what()}});
            for (int i = 0; i < 4 && !stopping; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
            }
        }
    }
}

std::optional<std::string> transition(
    pqxx::transaction_base& tx,
    const std::string& request_id,
    int expected_version,
    request_state from,
    request_state to,
    workflow::audit_record event
) {
    if (auto illegal = workflow::check_transition(from, to)) {
        return illegal;
    }
    const auto updated = tx.exec_params(
        "UPDATE requests SET state = $3, version = version + 1, updated_at = now() "
        "WHERE request_id = $1 AND version = $2 AND state = $4",
        request_id,
        expected_version,
        state_name(to),
        state_name(from)
    );
    if (updated.affected_rows() == 0) {
        const auto now = tx.exec_params(
            "SELECT r.state, a.event, a.actor, to_char(a.occurred_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            "FROM requests r LEFT JOIN LATERAL (SELECT event, actor, occurred_at FROM audit_log "
            "  WHERE request_id = r.request_id ORDER BY seq DESC LIMIT 1) a ON true WHERE "
            "r.request_id = $1",
            request_id
        );
        if (now.empty()) {
            return "request " + request_id + " does not exist";
        }
        return "request is already " + now[0][0].as<std::string>() + " (" +
               now[0][1].as<std::string>("") + " by " + now[0][2].as<std::string>("unknown") +
               " at " + now[0][3].as<std::string>("") + ")";
    }
    append_audit(tx, std::move(event));
    if (to == request_state::pending_review || to == request_state::awaiting_evidence ||
        to == request_state::replacement_offered || to == request_state::denied ||
        to == request_state::refunded || to == request_state::execution_failed) {
        // The customer hears about it where they asked: a helpdesk job (dropped when no
        // helpdesk is configured), one per version so every outcome is told once.
        const auto r = tx.exec_params(
            "SELECT version FROM requests WHERE request_id = $1 AND source = 'zendesk' AND "
            "coalesce(payload->>'ticket_id', '') <> ''",
            request_id
        );
        if (!r.empty()) {
            enqueue_job(
                tx,
                "helpdesk_update",
                request_id,
                r[0][0].as<std::string>(),
                "{\"state\":\"" + state_name(to) + "\"}"
            );
        }
    }
    return std::nullopt;
}

request_state apply_decision(
    pqxx::connection_base& cx,
    const std::string& request_id,
    int version,
    const pipeline::decision_outcome& outcome,
    const pipeline::model::enriched_context& context,
    bool post_review_card
) {
    pqxx::work tx(cx);
    const auto current = load_request(tx, request_id, true);
    if (current.state != request_state::received || current.version != version) {
        tx.commit();
        return current.state;
    }
    const auto& d = outcome.guarded.decision;
    for (const auto& c : outcome.model_calls) {
        tx.exec_params(
            "INSERT INTO ai_calls (request_id, request_version, provider, model, prompt_version, "
            "attempt, outcome, failure, latency_ms, input_tokens, output_tokens, cost_microusd, "
            "request_body, response_body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, $14)",
            request_id,
            version,
            c.provider,
            c.model,
            c.prompt_version,
            c.attempt,
            c.outcome,
            c.failure,
            c.latency_ms,
            c.input_tokens,
            c.output_tokens,
            c.cost_microusd,
            c.request_body,
            c.response_body
        );
    }
    const auto& seg = outcome.segment;
    tx.exec_params(
        "INSERT INTO decisions (request_id, policy_version, route, risk_score, reasoner, report, "
        "context, mode, bot_route, segment, category, amount_band) VALUES ($1, $2, $3, $4, $5, "
        "$6::jsonb, $7::jsonb, $8, $9, $10, $11, $12) ON CONFLICT (request_id) DO UPDATE SET "
        "policy_version = EXCLUDED.policy_version, route = EXCLUDED.route, risk_score = "
        "EXCLUDED.risk_score, reasoner = EXCLUDED.reasoner, report = EXCLUDED.report, context = "
        "EXCLUDED.context, mode = EXCLUDED.mode, bot_route = EXCLUDED.bot_route, segment = "
        "EXCLUDED.segment, category = EXCLUDED.category, amount_band = EXCLUDED.amount_band, "
        "decided_at = now()",
        request_id,
        outcome.policy_version,
        std::string(pipeline::approval::to_string(outcome.gate.route)),
        outcome.risk.score,
        outcome.reasoner_called ? std::optional(outcome.reasoner) : std::nullopt,
        pipeline::report_json(outcome),
        pipeline::model::context_json(context, current.request.order.exponent),
        std::string(pipeline::policy::to_string(seg.mode)),
        std::string(pipeline::approval::to_string(outcome.bot_route)),
        seg.segment,
        seg.category,
        seg.amount_band
    );
    auto decided = event_for(
        request_id, "DECISION_MADE", outcome.reasoner_called ? "ai:" + outcome.reasoner : "system"
    );
    decided.policy_version = outcome.policy_version;
    decided.risk_score = outcome.risk.score;
    decided.amount_requested = current.request.refund.amount_requested;
    decided.currency = current.request.order.currency;
    decided.ai_decision = std::string(pipeline::model::to_string(d.decision));
    decided.ai_confidence = d.confidence;
    if (!outcome.model_calls.empty() || !outcome.ai_unavailable.empty()) {
        std::int64_t in = 0;
        std::int64_t out = 0;
        std::int64_t cost = 0;
        for (const auto& c : outcome.model_calls) {
            in += c.input_tokens;
            out += c.output_tokens;
            cost += c.cost_microusd;
        }
        decided.ai_model =
            outcome.model_calls.empty() ? outcome.reasoner : outcome.model_calls.front().model;
        decided.prompt_version = outcome.prompt_version;
        decided.ai_input_tokens = in;
        decided.ai_output_tokens = out;
        decided.ai_cost_microusd = cost;
        if (!outcome.ai_unavailable.empty()) {
            decided.ai_unavailable = outcome.ai_unavailable;
        }
    }
    if (auto e = transition(
            tx, request_id, version, request_state::received, request_state::decided, decided
        )) {
        throw std::runtime_error(*e);
    }
    request_state target = request_state::pending_review;
    std::string event = "SENT_TO_REVIEW";
    if (outcome.gate.route == pipeline::approval::route::auto_approve) {
        target = request_state::auto_approved;
        event = "AUTO_APPROVED";
    } else if (outcome.gate.route == pipeline::approval::route::deny) {
        target = request_state::denied;
        event = "DENIED";
    }
    auto routed = event_for(request_id, event);
    routed.policy_version = outcome.policy_version;
    if (auto e = transition(tx, request_id, version + 1, request_state::decided, target, routed)) {
        throw std::runtime_error(*e);
    }
    if (target == request_state::auto_approved) {
        enqueue_job(tx, "execute", request_id);
    }
    if (target == request_state::pending_review && post_review_card) {
        // Keyed by the version the card is for: evidence re-opening the request gets a new one.
        enqueue_job(tx, "slack_card", request_id, std::to_string(version + 2));
    }
    tx.commit();
    return target;
}

int expire_evidence_requests(pqxx::connection_base& cx, std::chrono::seconds ttl) {
    pqxx::work tx(cx);
    const auto due = tx.exec_params(
        "SELECT request_id, version FROM requests WHERE state = 'AWAITING_EVIDENCE' "
        "AND updated_at < now() - make_interval(secs => $1) FOR UPDATE SKIP LOCKED LIMIT 100",
        static_cast<double>(ttl.count())
    );
    int expired = 0;
    for (const auto& row : due) {
        const auto id = row[0].as<std::string>();
        if (!transition(
                tx,
                id,
                row[1].as<int>(),
                request_state::awaiting_evidence,
                request_state::expired,
                event_for(id, "EVIDENCE_EXPIRED")
            )) {
            ++expired;
        }
    }
    tx.commit();
    return expired;
}

int erase_customer_pii(pqxx::connection_base& cx, const std::string& customer_id) {
    pqxx::work tx(cx);
    // The payload keeps its shape (reason_text stays a string) so erased requests still load.
    const auto erased = tx.exec_params(
        "UPDATE requests SET customer_email = NULL, updated_at = now(), "
        "payload = jsonb_set(payload #- '{customer,email}' #- '{metadata,customer_message}', "
        "                    '{refund,reason_text}', '\"[erased]\"') "
        "WHERE customer_id = $1 AND (customer_email IS NOT NULL OR payload #>> "
        "'{refund,reason_text}' <> '[erased]' "
        "       OR payload #> '{metadata,customer_message}' IS NOT NULL OR payload #> "
        "'{customer,email}' IS NOT NULL) "
        "RETURNING request_id",
        customer_id
    );
    // What was sent to a model quoted the customer's words (masked, but names stay readable).
    tx.exec_params(
        "UPDATE ai_calls SET request_body = '[erased]', response_body = '[erased]' "
        "WHERE request_id IN (SELECT request_id FROM requests WHERE customer_id = $1)",
        customer_id
    );
    for (const auto& row : erased) {
        append_audit(tx, event_for(row[0].as<std::string>(), "PII_ERASED"));
    }
    tx.commit();
    return static_cast<int>(erased.size());
}

void save_completed_order(pqxx::connection_base& cx, const pipeline::model::refund_request& r) {
    pqxx::work tx(cx);
    tx.exec_params(
        "UPDATE requests SET payload = jsonb_set(jsonb_set(jsonb_set(jsonb_set(payload, "
        "'{order}', $2::jsonb), '{refund,amount_requested}', to_jsonb($3::text)), "
        "'{refund,currency}', to_jsonb($4::text)), '{customer,customer_id}', to_jsonb($5::text)), "
        "order_total = $6, amount_requested = $7, currency = $8, customer_id = $5, "
        "updated_at = now() WHERE request_id = $1 AND state = 'RECEIVED'",
        r.request_id,
        boost::json::serialize(pipeline::model::order_to_json(r.order)),
        pipeline::core::format_decimal(r.refund.amount_requested, r.order.exponent),
        r.refund.currency,
        r.customer.customer_id,
        static_cast<long long>(r.order.total),
        static_cast<long long>(r.refund.amount_requested),
        r.order.currency
    );
    tx.commit();
}

pipeline::model::enriched_context history_enricher::enrich(
    const pipeline::model::refund_request& req
) {
    pipeline::model::enriched_context c;
    if (req.customer.customer_id.empty()) {
        return c;  // a return nobody has matched to a customer yet: no history to speak of
    }
    pqxx::read_transaction tx(cx_);
    // Only what refundbot itself recorded, in the request's currency.
    const auto stats = tx.exec_params(
        "SELECT "
        " (SELECT count(DISTINCT order_id) FROM requests WHERE customer_id = $1), "
        " (SELECT coalesce(sum(t), 0) FROM (SELECT max(order_total) AS t FROM requests "
        "   WHERE customer_id = $1 AND currency = $2 GROUP BY order_id) o), "
        " (SELECT count(*) FROM executions e JOIN requests r USING (request_id) WHERE "
        "r.customer_id = $1 "
        "   AND e.state = 'succeeded' AND e.started_at > now() - interval '180 days'), "
        " (SELECT coalesce(sum(e.amount), 0) FROM executions e JOIN requests r USING (request_id) "
        "   WHERE r.customer_id = $1 AND e.currency = $2 AND e.state = 'succeeded' "
        "   AND e.started_at > now() - interval '180 days'), "
        " (SELECT count(*) FROM requests WHERE customer_id = $1 AND received_at > now() - interval "
        "'24 hours')",
        req.customer.customer_id,
        req.order.currency
    );
    c.has_stats = true;
    c.stats.lifetime_orders = stats[0][0].as<long long>();
    c.stats.lifetime_spend = stats[0][1].as<long long>();
    c.stats.refund_count_180d = stats[0][2].as<long long>();
    c.stats.refund_amount_180d = stats[0][3].as<long long>();
    c.stats.requests_24h = stats[0][4].as<long long>();
    if (disputes_tracked_) {
        // Disputes are known only where a processor reports them (Stripe webhooks); without
        // that source the count stays unknown rather than a reassuring zero.
        c.stats.chargeback_count_365d =
            tx.exec_params(
                  "SELECT count(*) FROM chargebacks WHERE customer_id = "
                  "$1 AND opened_at > now() - interval '365 days'",
                  req.customer.customer_id
            )[0][0]
                .as<long long>();
    }
    for (const auto& row : tx.exec_params(
             "SELECT e.refund_id, e.amount, e.state FROM executions e JOIN requests r USING "
             "(request_id) "
             "WHERE r.order_id = $1 AND e.request_id <> $2 AND e.state IN ('started', 'succeeded') "
             "ORDER BY e.started_at",
             req.order.order_id,
             req.request_id
         )) {
        c.prior_refunds.push_back({
            .refund_id = row[0].as<std::string>(""),
            .amount = row[1].as<long long>(),
            .status = row[2].as<std::string>() == "succeeded" ? "succeeded" : "pending",
            .created_at = std::nullopt,
        });
    }
    // Refunds made outside refundbot (the Stripe dashboard, the shop) on the same payment or order.
    for (const auto& row : tx.exec_params(
             "SELECT refund_id, amount, status FROM external_refunds WHERE currency = $3 AND "
             "status IN ('pending', 'requires_action', 'succeeded') AND ((charge_id <> '' AND "
             "charge_id = $1) OR (payment_intent_id <> '' AND payment_intent_id = $2) OR "
             "(order_id <> '' AND order_id = $4)) ORDER BY updated_at",
             req.order.pay.charge_id,
             req.order.pay.payment_intent_id,
             req.order.currency,
             req.order.order_id
         )) {
        c.prior_refunds.push_back({
            .refund_id = row[0].as<std::string>(),
            .amount = row[1].as<long long>(),
            .status = row[2].as<std::string>() == "succeeded" ? "succeeded" : "pending",
            .created_at = std::nullopt,
        });
    }
    tx.commit();
    if (req.order.delivered_at) {
        c.delivery.status = "delivered";
        c.delivery.delivered_at = req.order.delivered_at;
    }
    return c;
}

}  // namespace refundbot::adapters::postgres
