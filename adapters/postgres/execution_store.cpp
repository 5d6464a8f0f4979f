// Executions and what the payment processor reports about them. Every change commits together
// with its audit event; money amounts stay integer minor units throughout.
#include "adapters/postgres/execution_store.hpp"

#include "adapters/crypto/crypto.hpp"
#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "pipeline/core/json_writer.hpp"
#include "pipeline/core/redact.hpp"

#include <pqxx/pqxx>

namespace refundbot::adapters::postgres {

namespace workflow = pipeline::workflow;
namespace ports = pipeline::ports;
using workflow::request_state;

namespace {

// Serializes the daily-cap check across workers and processes ("rfcaps\0\0").
constexpr long long caps_lock_key = 0x7266636170730000LL;

// Open request states a dispute flags; APPROVED and AUTO_APPROVED are also blocked from
// executing by begin_execution.
constexpr const char* open_states =
    "('RECEIVED', 'DECIDED', 'PENDING_REVIEW', 'AWAITING_EVIDENCE', 'APPROVED', 'AUTO_APPROVED')";

// Disputes still open or lost block a refund: a lost one already took the money back.
constexpr const char* blocking_dispute =
    "status NOT IN ('won', 'warning_closed') AND ((charge_id <> '' AND charge_id = $1) OR "
    "(payment_intent_id <> '' AND payment_intent_id = $2))";

workflow::audit_record event_for(const std::string& request_id, std::string event) {
    workflow::audit_record r;
    r.request_id = request_id;
    r.event = std::move(event);
    r.actor = "system";
    return r;
}

std::string payment_reference(const pipeline::model::refund_request& req) {
    return req.order.pay.payment_intent_id.empty() ? req.order.pay.charge_id
                                                   : req.order.pay.payment_intent_id;
}

std::string format_amount(std::int64_t minor, const std::string& currency) {
    return pipeline::core::format_decimal(
               minor, pipeline::core::currency_exponent(currency).value_or(2)
           ) +
           " " + currency;
}

// Who approved, for the processor's metadata: the last approving reviewer, or "auto".
std::string review_id(pqxx::transaction_base& tx, const std::string& request_id) {
    const auto r = tx.exec_params(
        "SELECT actor FROM audit_log WHERE request_id = $1 AND event = 'REVIEW_APPROVED' "
        "ORDER BY seq DESC LIMIT 1",
        request_id
    );
    if (r.empty()) {
        return "auto";
    }
    auto actor = r[0][0].as<std::string>();
    return actor.starts_with("human:") ? actor.substr(6) : actor;
}

bool has_card(pqxx::transaction_base& tx, const std::string& request_id) {
    return !tx.exec_params("SELECT 1 FROM slack_cards WHERE request_id = $1 LIMIT 1", request_id)
                .empty();
}

// EXECUTING -> EXECUTION_FAILED before anything was sent (the checks refused the refund).
void refuse(
    pqxx::transaction_base& tx,
    const stored_request& current,
    std::string_view processor,
    const std::string& code,
    const std::string& reason
) {
    const auto& id = current.request.request_id;
    auto failed = event_for(id, "EXECUTION_FAILED");
    failed.processor = std::string(processor);
    failed.error_code = code;
    failed.amount_requested = current.request.refund.amount_requested;
    failed.currency = current.request.refund.currency;
    if (auto e = transition(
            tx,
            id,
            current.version + 1,
            request_state::executing,
            request_state::execution_failed,
            failed
        )) {
        throw std::runtime_error(*e);
    }
    enqueue_alert(tx, id, "refused:" + code, "Refund for " + id + " was not executed: " + reason);
    if (has_card(tx, id)) {
        enqueue_job(tx, "slack_resolve", id, std::to_string(current.version + 2));
    }
}

std::optional<std::string> over_cap(
    pqxx::transaction_base& tx,
    const pipeline::model::refund_request& req,
    const execution_limits& limits
) {
    const auto& caps = limits.caps;
    if ((caps.per_customer_daily == 0 && caps.global_daily == 0) ||
        req.refund.currency != limits.caps_currency) {
        return std::nullopt;
    }
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", caps_lock_key);
    const auto sums = tx.exec_params(
        "SELECT coalesce(sum(amount) FILTER (WHERE customer_id = $1), 0), coalesce(sum(amount), 0) "
        "FROM executions WHERE currency = $2 AND state IN ('started', 'pending', 'succeeded') "
        "AND started_at > now() - interval '24 hours'",
        req.customer.customer_id,
        req.refund.currency
    );
    const auto amount = req.refund.amount_requested;
    const auto customer = sums[0][0].as<long long>();
    const auto global = sums[0][1].as<long long>();
    if (caps.per_customer_daily > 0 && customer + amount > caps.per_customer_daily) {
        return "the customer's refunds in 24 hours would reach " +
               format_amount(customer + amount, req.refund.currency) + ", above the cap of " +
               format_amount(caps.per_customer_daily, req.refund.currency);
    }
    if (caps.global_daily > 0 && global + amount > caps.global_daily) {
        return "refunds in 24 hours would reach " +
               format_amount(global + amount, req.refund.currency) + ", above the global cap of " +
               format_amount(caps.global_daily, req.refund.currency);
    }
    return std::nullopt;
}

struct execution_row {
    std::string request_id;
    std::string state;
    std::string idempotency_key;
    std::string processor;
    std::int64_t amount = 0;
    std::string currency;
    std::string refund_id;
};

// Reads an execution; `lock` only after the request row is locked (the lock order everywhere
// is request, then execution).
std::optional<execution_row> read_execution(
    pqxx::transaction_base& tx,
    const std::string& where,
    const std::string& a,
    const std::string& b,
    bool lock
) {
    const auto r = tx.exec_params(
        "SELECT request_id, state, idempotency_key, processor, amount, currency, "
        "coalesce(refund_id, '') FROM executions WHERE " +
            where + " LIMIT 1" + (lock ? " FOR UPDATE" : ""),
        a,
        b
    );
    if (r.empty()) {
        return std::nullopt;
    }
    return execution_row{
        r[0][0].as<std::string>(),
        r[0][1].as<std::string>(),
        r[0][2].as<std::string>(),
        r[0][3].as<std::string>(),
        r[0][4].as<long long>(),
        r[0][5].as<std::string>(),
        r[0][6].as<std::string>()};
}

// Applies the processor's answer to a started or pending execution, in `tx`. Returns false
// when there was nothing to apply (settled before, or the request moved on).
bool record_outcome(
    pqxx::transaction_base& tx, const std::string& request_id, const ports::refund_result& result
) {
    const auto current = load_request(tx, request_id, true);
    const auto exec = read_execution(tx, "request_id = $1 AND $2 = ''", request_id, "", true);
    if (current.state != request_state::executing || !exec ||
        (exec->state != "started" && exec->state != "pending")) {
        return false;
    }
    const auto outcome = result.outcome;
    if (outcome == ports::refund_outcome::unknown) {
        return false;
    }
    const auto refund_id = result.refund_id.empty() ? exec->refund_id : result.refund_id;
    auto event = event_for(request_id, "REFUND_EXECUTED");
    event.amount_requested = exec->amount;
    event.currency = exec->currency;
    event.processor = exec->processor;
    event.idempotency_key = exec->idempotency_key;
    if (!refund_id.empty()) {
        event.refund_id = refund_id;
    }
    if (!result.status.empty()) {
        event.processor_status = result.status;
    }
    if (!result.error_code.empty()) {
        event.error_code = result.error_code;
    }
    const auto exec_state = outcome == ports::refund_outcome::succeeded ? "succeeded"
                            : outcome == ports::refund_outcome::pending ? "pending"
                                                                        : "failed";
    if (outcome == ports::refund_outcome::pending && exec->state == "pending") {
        return false;  // still pending: nothing new
    }
    tx.exec_params(
        "UPDATE executions SET state = $2, refund_id = NULLIF($3, ''), processor_status = "
        "NULLIF($4, ''), error_code = NULLIF($5, ''), error = NULLIF($6, ''), finished_at = CASE "
        "WHEN $2 = 'pending' THEN NULL ELSE now() END WHERE request_id = $1",
        request_id,
        std::string(exec_state),
        refund_id,
        result.status,
        result.error_code,
        result.error
    );
    if (outcome == ports::refund_outcome::pending) {
        event.event = "REFUND_PENDING";
        append_audit(tx, std::move(event));
        return true;
    }
    const bool ok = outcome == ports::refund_outcome::succeeded;
    if (!ok) {
        event.event = "EXECUTION_FAILED";
    }
    if (auto e = transition(
            tx,
            request_id,
            current.version,
            request_state::executing,
            ok ? request_state::refunded : request_state::execution_failed,
            event
        )) {
        throw std::runtime_error(*e);
    }
    if (!ok) {
        enqueue_alert(
            tx,
            request_id,
            "execution_failed",
            "Refund for " + request_id + " failed at " + exec->processor + ": " +
                (result.error_code.empty() ? result.status : result.error_code) +
                (result.error.empty() ? "" : " (" + pipeline::core::redact(result.error) + ")")
        );
    }
    if (has_card(tx, request_id)) {
        enqueue_job(tx, "slack_resolve", request_id, std::to_string(current.version + 1));
    }
    return true;
}

void settle_refund(
    pqxx::transaction_base& tx,
    const std::string& source,
    const pipeline::model::processor_refund& r,
    event_outcome& out
) {
    const auto exec = read_execution(
        tx,
        "refund_id = $1 OR ($2 <> '' AND request_id = $2 AND (refund_id IS NULL OR refund_id = "
        "$1))",
        r.refund_id,
        r.request_id,
        false
    );
    if (!exec) {
        tx.exec_params(
            "INSERT INTO external_refunds (source, refund_id, charge_id, payment_intent_id, "
            "amount, currency, status, order_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON "
            "CONFLICT (source, refund_id) DO UPDATE SET status = EXCLUDED.status, amount = "
            "EXCLUDED.amount, updated_at = now()",
            source,
            r.refund_id,
            r.charge_id,
            r.payment_intent_id,
            static_cast<long long>(r.amount.minor),
            r.amount.currency,
            r.status,
            r.order_id
        );
        return;
    }
    out.affected.push_back(exec->request_id);
    const auto result = ports::result_of(r);
    if (exec->state == "succeeded" && result.outcome == ports::refund_outcome::failed) {
        // A refund can still fail after succeeding (a closed card account); the request stays
        // REFUNDED in the workflow, but people must know and act.
        auto e = event_for(exec->request_id, "REFUND_REVERSED");
        e.processor = exec->processor;
        e.refund_id = r.refund_id;
        e.processor_status = r.status;
        e.error_code = result.error_code;
        e.amount_requested = exec->amount;
        e.currency = exec->currency;
        append_audit(tx, std::move(e));
        tx.exec_params(
            "UPDATE executions SET processor_status = $2, error_code = $3 WHERE request_id = $1",
            exec->request_id,
            r.status,
            result.error_code
        );
        enqueue_alert(
            tx,
            exec->request_id,
            "reversed:" + r.refund_id,
            "Refund " + r.refund_id + " for " + exec->request_id + " " + r.status +
                " after it had succeeded (" + result.error_code +
                "): the customer has not been paid back"
        );
        return;
    }
    record_outcome(tx, exec->request_id, result);
}

void record_dispute(
    pqxx::transaction_base& tx,
    const std::string& source,
    const pipeline::model::processor_dispute& d,
    event_outcome& out
) {
    const auto customer = tx.exec_params(
        "SELECT customer_id FROM requests WHERE ($1 <> '' AND payload #>> "
        "'{order,payment,charge_id}' = $1) OR ($2 <> '' AND payload #>> "
        "'{order,payment,payment_intent_id}' = $2) ORDER BY received_at DESC LIMIT 1",
        d.charge_id,
        d.payment_intent_id
    );
    const auto inserted = tx.exec_params(
        "INSERT INTO chargebacks (source, dispute_id, charge_id, payment_intent_id, customer_id, "
        "amount, currency, reason, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (source, dispute_id) DO UPDATE SET status = EXCLUDED.status "
        "RETURNING (xmax = 0)",
        source,
        d.dispute_id,
        d.charge_id,
        d.payment_intent_id,
        customer.empty() ? std::nullopt : std::optional(customer[0][0].as<std::string>()),
        static_cast<long long>(d.amount.minor),
        d.amount.currency,
        d.reason,
        d.status
    );
    if (!inserted[0][0].as<bool>()) {
        return;  // a later status of a dispute already flagged
    }
    const auto open = tx.exec_params(
        std::string("SELECT request_id FROM requests WHERE state IN ") + open_states +
            " AND (($1 <> '' AND payload #>> '{order,payment,charge_id}' = $1) OR ($2 <> '' AND "
            "payload #>> '{order,payment,payment_intent_id}' = $2)) ORDER BY request_id FOR UPDATE",
        d.charge_id,
        d.payment_intent_id
    );
    for (const auto& row : open) {
        const auto id = row[0].as<std::string>();
        out.affected.push_back(id);
        auto e = event_for(id, "CHARGE_DISPUTED");
        e.processor = source;
        e.amount_requested = d.amount.minor;
        e.currency = d.amount.currency;
        e.error_code = d.reason.empty() ? "dispute" : d.reason;
        append_audit(tx, std::move(e));
        enqueue_alert(
            tx,
            id,
            "dispute:" + d.dispute_id,
            "The payment of " + id + " is disputed by the cardholder (" +
                (d.reason.empty() ? std::string("no reason given") : d.reason) + ", " +
                format_amount(d.amount.minor, d.amount.currency) +
                "). A disputed charge cannot be refunded: refundbot will not execute this refund."
        );
    }
}

}  // namespace

std::optional<ports::refund_order> begin_execution(
    pqxx::connection_base& cx,
    const std::string& request_id,
    std::string_view processor,
    const execution_limits& limits
) {
    pqxx::work tx(cx);
    auto current = load_request(tx, request_id, true);
    const auto& req = current.request;
    ports::refund_order order;
    order.request_id = request_id;
    order.idempotency_key = request_id + ":refund";
    order.payment_reference = payment_reference(req);
    order.amount = req.requested();
    order.source = req.source;
    order.review_id = review_id(tx, request_id);

    if (current.state == request_state::executing) {
        // A previous attempt stored the key and may or may not have reached the processor:
        // send the very same order again; the key makes that safe.
        const auto e = tx.exec_params(
            "SELECT idempotency_key, amount, currency, coalesce(payment_reference, ''), state, "
            "sent_at IS NOT NULL FROM executions WHERE request_id = $1",
            request_id
        );
        tx.commit();
        if (e.empty() || e[0][4].as<std::string>() != "started") {
            return std::nullopt;  // pending at the processor, or refused before sending
        }
        order.idempotency_key = e[0][0].as<std::string>();
        order.amount = {e[0][1].as<long long>(), e[0][2].as<std::string>()};
        if (!e[0][3].as<std::string>().empty()) {
            order.payment_reference = e[0][3].as<std::string>();
        }
        order.resumed = e[0][5].as<bool>();
        return order;
    }
    if (current.state != request_state::auto_approved && current.state != request_state::approved) {
        tx.commit();
        return std::nullopt;  // refunded, failed or never approved: nothing to do
    }
    if (current.state == request_state::auto_approved) {
        if (auto why = over_cap(tx, req, limits)) {
            auto capped = event_for(request_id, "EXECUTION_CAP_REACHED");
            capped.amount_requested = req.refund.amount_requested;
            capped.currency = req.refund.currency;
            if (auto e = transition(
                    tx,
                    request_id,
                    current.version,
                    request_state::auto_approved,
                    request_state::pending_review,
                    capped
                )) {
                throw std::runtime_error(*e);
            }
            if (limits.post_review_card) {
                enqueue_job(tx, "slack_card", request_id, std::to_string(current.version + 1));
            }
            enqueue_alert(
                tx,
                request_id,
                "cap",
                "Automatic refund " + request_id + " held for review: " + *why
            );
            tx.commit();
            return std::nullopt;
        }
    }
    // Validate again right before paying: what other requests on this order already took, what
    // the processor reported refunded elsewhere, and whether the payment is disputed.
    const auto& charge = req.order.pay.charge_id;
    const auto& intent = req.order.pay.payment_intent_id;
    const auto taken = tx.exec_params(
        std::string("SELECT "
                    "(SELECT coalesce(sum(e.amount), 0) FROM executions e JOIN requests r USING "
                    "(request_id) WHERE r.order_id = $3 AND e.request_id <> $4 AND e.state IN "
                    "('started', 'pending', 'succeeded')), "
                    "(SELECT coalesce(sum(amount), 0) FROM external_refunds WHERE status IN "
                    "('pending', 'requires_action', 'succeeded') AND ((charge_id <> '' AND "
                    "charge_id = $1) OR (payment_intent_id <> '' AND payment_intent_id = $2) OR "
                    "(order_id <> '' AND order_id = $3))), "
                    "(SELECT coalesce(max(amount_refunded), 0) FROM processor_charges WHERE "
                    "(charge_id <> '' AND charge_id = $1) OR (payment_intent_id <> '' AND "
                    "payment_intent_id = $2)), "
                    "(SELECT count(*) FROM chargebacks WHERE ") +
            blocking_dispute + ")",
        charge,
        intent,
        req.order.order_id,
        request_id
    );
    const auto refunded = std::max(
        taken[0][0].as<long long>() + taken[0][1].as<long long>(), taken[0][2].as<long long>()
    );
    const bool disputed = taken[0][3].as<long long>() > 0;
    auto started = event_for(request_id, "EXECUTION_STARTED");
    started.amount_requested = req.refund.amount_requested;
    started.currency = req.order.currency;
    started.processor = std::string(processor);
    started.idempotency_key = order.idempotency_key;
    if (auto e = transition(
            tx, request_id, current.version, current.state, request_state::executing, started
        )) {
        throw std::runtime_error(*e);
    }
    const auto remaining = req.order.total - refunded;
    if (req.refund.currency != req.order.currency) {
        refuse(
            tx,
            current,
            processor,
            "currency_mismatch",
            "refund currency " + req.refund.currency + " differs from the order's " +
                req.order.currency
        );
    } else if (req.refund.amount_requested <= 0 || req.refund.amount_requested > remaining) {
        refuse(
            tx,
            current,
            processor,
            "amount_exceeds_refundable",
            format_amount(req.refund.amount_requested, req.refund.currency) +
                " exceeds what is still refundable on the order (" +
                format_amount(std::max<long long>(remaining, 0), req.order.currency) + ")"
        );
    } else if (disputed) {
        refuse(
            tx,
            current,
            processor,
            "charge_disputed",
            "the payment is disputed by the cardholder, and a disputed charge cannot be refunded"
        );
    } else {
        tx.exec_params(
            "INSERT INTO executions (request_id, idempotency_key, processor, amount, currency, "
            "state, payment_reference, customer_id) VALUES ($1, $2, $3, $4, $5, 'started', $6, $7)",
            request_id,
            order.idempotency_key,
            std::string(processor),
            static_cast<long long>(order.amount.minor),
            order.amount.currency,
            order.payment_reference,
            req.customer.customer_id
        );
        tx.commit();
        return order;
    }
    tx.commit();
    return std::nullopt;
}

void mark_sent(pqxx::connection_base& cx, const std::string& request_id) {
    pqxx::work tx(cx);
    tx.exec_params(
        "UPDATE executions SET sent_at = coalesce(sent_at, now()) WHERE request_id = $1", request_id
    );
    tx.commit();
}

void finish_execution(
    pqxx::connection_base& cx,
    const ports::refund_order& order,
    std::string_view processor,
    const ports::refund_result& result
) {
    if (result.outcome == ports::refund_outcome::unknown) {
        throw std::runtime_error(
            std::string(processor) + ": " + result.error +
            " (outcome unknown; will retry with the same idempotency key)"
        );
    }
    pqxx::work tx(cx);
    record_outcome(tx, order.request_id, result);
    tx.commit();
}

std::optional<unsettled_execution> load_unsettled(
    pqxx::connection_base& cx, const std::string& request_id
) {
    pqxx::read_transaction tx(cx);
    const auto r = tx.exec_params(
        "SELECT e.idempotency_key, coalesce(e.payment_reference, ''), e.amount, e.currency, "
        "e.state, coalesce(e.refund_id, ''), e.processor, "
        "extract(epoch from now() - e.started_at)::bigint, e.sent_at IS NOT NULL FROM executions e "
        "WHERE e.request_id = $1 AND e.state IN ('started', 'pending')",
        request_id
    );
    if (r.empty()) {
        return std::nullopt;
    }
    unsettled_execution u;
    u.order.request_id = request_id;
    u.order.idempotency_key = r[0][0].as<std::string>();
    u.order.payment_reference = r[0][1].as<std::string>();
    u.order.amount = {r[0][2].as<long long>(), r[0][3].as<std::string>()};
    u.order.resumed = r[0][8].as<bool>();
    u.state = r[0][4].as<std::string>();
    u.refund_id = r[0][5].as<std::string>();
    u.processor = r[0][6].as<std::string>();
    u.age = std::chrono::seconds(r[0][7].as<long long>());
    tx.commit();
    if (u.order.payment_reference.empty()) {
        u.order.payment_reference = payment_reference(load_request(cx, request_id).request);
    }
    return u;
}

int schedule_reconciliations(pqxx::connection_base& cx, std::chrono::seconds older_than) {
    pqxx::work tx(cx);
    const auto due = tx.exec_params(
        "SELECT e.request_id, (extract(epoch from now())::bigint / $1)::text FROM executions e "
        "WHERE e.state IN ('started', 'pending') AND e.started_at < now() - make_interval(secs "
        "=> $1) AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.request_id = e.request_id AND "
        "j.kind IN ('execute', 'reconcile') AND j.state IN ('queued', 'running')) "
        "ORDER BY e.started_at LIMIT 100",
        static_cast<long long>(older_than.count())
    );
    for (const auto& row : due) {
        enqueue_job(tx, "reconcile", row[0].as<std::string>(), row[1].as<std::string>());
    }
    tx.commit();
    return static_cast<int>(due.size());
}

void abandon_execution(
    pqxx::connection_base& cx,
    const unsettled_execution& e,
    const std::string& code,
    const std::string& reason
) {
    pqxx::work tx(cx);
    record_outcome(
        tx,
        e.order.request_id,
        ports::refund_result::failure(ports::refund_outcome::failed, code, reason)
    );
    tx.commit();
}

void retry_execution(pqxx::connection_base& cx, const std::string& request_id) {
    pqxx::work tx(cx);
    rearm_job(tx, "execute", request_id);
    tx.commit();
}

event_outcome apply_payment_event(
    pqxx::connection_base& cx, const pipeline::model::payment_event& event
) {
    event_outcome out;
    pqxx::work tx(cx);
    const auto fresh = tx.exec_params(
        "INSERT INTO payment_events (source, event_id, event_type) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        event.source,
        event.event_id,
        event.type
    );
    if (fresh.affected_rows() == 0) {
        out.duplicate = true;
        tx.commit();
        return out;
    }
    if (event.refund) {
        settle_refund(tx, event.source, *event.refund, out);
    }
    if (event.charge) {
        const auto& c = *event.charge;
        tx.exec_params(
            "INSERT INTO processor_charges (source, charge_id, payment_intent_id, amount, "
            "amount_refunded, currency) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, "
            "charge_id) DO UPDATE SET amount_refunded = "
            "greatest(processor_charges.amount_refunded, "
            "EXCLUDED.amount_refunded), updated_at = now()",
            event.source,
            c.charge_id,
            c.payment_intent_id,
            static_cast<long long>(c.captured.minor),
            static_cast<long long>(c.refunded),
            c.captured.currency
        );
        for (const auto& r : c.refunds) {
            settle_refund(tx, event.source, r, out);
        }
    }
    if (event.dispute) {
        record_dispute(tx, event.source, *event.dispute, out);
    }
    tx.commit();
    return out;
}

sandbox_processor::sandbox_processor(const database_settings& db)
    : pool_([&] {
          auto s = db;
          s.pool_size = 2;
          return s;
      }()) {}

ports::refund_result sandbox_processor::refund(const ports::refund_order& order) {
    auto lease = pool_.acquire();
    pqxx::work tx(lease.get());
    const auto refund_id =
        "sbre_" + crypto::to_hex(crypto::sha256(order.idempotency_key)).substr(0, 24);
    tx.exec_params(
        "INSERT INTO sandbox_refunds (refund_id, idempotency_key, payment_reference, amount, "
        "currency) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
        refund_id,
        order.idempotency_key,
        order.payment_reference,
        static_cast<long long>(order.amount.minor),
        order.amount.currency
    );
    const auto r = tx.exec_params(
        "SELECT refund_id FROM sandbox_refunds WHERE idempotency_key = $1", order.idempotency_key
    );
    tx.commit();
    auto result =
        ports::refund_result::with(ports::refund_outcome::succeeded, r[0][0].as<std::string>());
    result.status = "succeeded";
    return result;
}

ports::refund_result sandbox_processor::lookup(const std::string& refund_id) {
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(lease.get());
    const bool known =
        !tx.exec_params("SELECT 1 FROM sandbox_refunds WHERE refund_id = $1", refund_id).empty();
    tx.commit();
    if (!known) {
        return ports::refund_result::failure(
            ports::refund_outcome::failed, "resource_missing", "no such sandbox refund"
        );
    }
    auto result = ports::refund_result::with(ports::refund_outcome::succeeded, refund_id);
    result.status = "succeeded";
    return result;
}

std::optional<ports::refund_result> sandbox_processor::find(const ports::refund_order& order) {
    auto lease = pool_.acquire();
    pqxx::read_transaction tx(lease.get());
    const auto r = tx.exec_params(
        "SELECT refund_id FROM sandbox_refunds WHERE idempotency_key = $1", order.idempotency_key
    );
    tx.commit();
    if (r.empty()) {
        return std::nullopt;
    }
    return lookup(r[0][0].as<std::string>());
}

}  // namespace refundbot::adapters::postgres
