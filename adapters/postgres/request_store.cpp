#include "adapters/postgres/request_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/workflow_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <vector>

namespace refundbot::adapters::postgres {

boost::asio::awaitable<intake_outcome> request_store::async_intake(
    const pipeline::model::refund_request& request,
    const std::string& source_event_id,
    const std::string& payload_json
) {
    intake_outcome out;
    co_await db_.async_run([&](pqxx::connection_base& cx) {
        store(cx, request, source_event_id, payload_json, out);
    });
    co_return out;
}

namespace {

// A new event for a request that waits for evidence and carries evidence: merge it, move the
// request back to RECEIVED and decide it again. False when that does not apply.
bool add_evidence(
    pqxx::transaction_base& tx,
    const pipeline::model::refund_request& request,
    const std::string& source_event_id
) {
    if (request.refund.evidence.empty()) {
        return false;
    }
    const auto current = tx.exec_params(
        "SELECT version, coalesce(payload #> '{refund,evidence}', '[]'::jsonb) FROM requests "
        "WHERE request_id = $1 AND state = 'AWAITING_EVIDENCE' FOR UPDATE",
        request.request_id
    );
    if (current.empty()) {
        return false;
    }
    // Helpdesks resend every attachment of the ticket; only files not seen before are evidence.
    std::vector<const pipeline::model::evidence_item*> fresh;
    const auto known = boost::json::parse(current[0][1].as<std::string>());
    for (const auto& e : request.refund.evidence) {
        const bool seen = std::any_of(
            known.as_array().begin(),
            known.as_array().end(),
            [&](const boost::json::value& k) {
                const auto* url = k.is_object() ? k.get_object().if_contains("url") : nullptr;
                return url != nullptr && url->is_string() && url->get_string() == e.url;
            }
        );
        if (!seen) {
            fresh.push_back(&e);
        }
    }
    if (fresh.empty()) {
        return false;
    }
    const auto claimed = tx.exec_params(
        "INSERT INTO evidence_events (source, source_event_id, request_id) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        request.source,
        source_event_id,
        request.request_id
    );
    if (claimed.affected_rows() == 0) {
        return false;
    }
    for (const auto* e : fresh) {
        tx.exec_params(
            "UPDATE requests SET payload = jsonb_set(payload, '{refund,evidence}', "
            "  coalesce(payload #> '{refund,evidence}', '[]'::jsonb) || "
            "  jsonb_build_array(jsonb_build_object('type', $2::text, 'url', $3::text))) "
            "WHERE request_id = $1",
            request.request_id,
            e->type,
            e->url
        );
    }
    pipeline::workflow::audit_record received;
    received.request_id = request.request_id;
    received.event = "EVIDENCE_RECEIVED";
    received.actor = "system";
    if (auto error = transition(
            tx,
            request.request_id,
            current[0][0].as<int>(),
            pipeline::workflow::request_state::awaiting_evidence,
            pipeline::workflow::request_state::received,
            std::move(received)
        )) {
        throw std::runtime_error(*error);
    }
    rearm_job(tx, "decide", request.request_id);
    return true;
}

}  // namespace

void request_store::store(
    pqxx::connection_base& cx,
    const pipeline::model::refund_request& request,
    const std::string& source_event_id,
    const std::string& payload_json,
    intake_outcome& out
) {
    {
        pqxx::work tx(cx);
        std::optional<std::string> email;
        if (!request.customer.email.empty()) {
            email = request.customer.email;
        }
        // A redelivery waits for the first delivery's transaction and then inserts nothing;
        // every unique key is an arbiter, so a concurrent duplicate never raises.
        const auto inserted = tx.exec_params(
            "INSERT INTO requests (request_id, source, source_event_id, state, customer_id, "
            "order_id, currency, "
            "order_total, amount_requested, customer_email, payload) "
            "VALUES ($1, $2, $3, 'RECEIVED', $4, $5, $6, $7, $8, $9, $10::jsonb) "
            "ON CONFLICT DO NOTHING RETURNING request_id, state",
            request.request_id,
            request.source,
            source_event_id,
            request.customer.customer_id,
            request.order.order_id,
            request.order.currency,
            static_cast<long long>(request.order.total),
            static_cast<long long>(request.refund.amount_requested),
            email,
            payload_json
        );
        if (inserted.empty()) {
            const auto find_event = [&]() -> std::optional<intake_outcome> {
                const auto existing = tx.exec_params(
                    "SELECT request_id, state FROM requests WHERE source = $1 AND source_event_id "
                    "= $2 "
                    "UNION ALL SELECT e.request_id, r.state FROM evidence_events e JOIN requests r "
                    "USING (request_id) WHERE e.source = $1 AND e.source_event_id = $2",
                    request.source,
                    source_event_id
                );
                if (existing.empty()) {
                    return std::nullopt;
                }
                return intake_outcome{
                    existing[0][0].as<std::string>(), existing[0][1].as<std::string>(), true};
            };
            // Checked again after add_evidence: it waits for a concurrent delivery of the same
            // event, whose rows this statement then sees.
            auto duplicate = find_event();
            if (!duplicate && add_evidence(tx, request, source_event_id)) {
                tx.commit();
                out = {request.request_id, "RECEIVED", false};
                return;
            }
            if (!duplicate) {
                duplicate = find_event();
            }
            if (duplicate) {
                tx.commit();
                out = *duplicate;
                return;
            }
            throw request_id_conflict(
                "request_id " + request.request_id + " is already used by another source event"
            );
        }
        pipeline::workflow::audit_record record;
        record.request_id = request.request_id;
        record.event = "REQUEST_RECEIVED";
        record.actor = "system";
        record.amount_requested = request.refund.amount_requested;
        record.currency = request.order.currency;
        append_audit(tx, std::move(record));
        enqueue_job(tx, "decide", request.request_id);
        tx.commit();
        out = {request.request_id, "RECEIVED", false};
    }
}

}  // namespace refundbot::adapters::postgres
