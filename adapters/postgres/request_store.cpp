#include "adapters/postgres/request_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/workflow_store.hpp"

#include <pqxx/pqxx>

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
            const auto existing = tx.exec_params(
                "SELECT request_id, state FROM requests WHERE source = $1 AND source_event_id = $2",
                request.source,
                source_event_id
            );
            if (existing.empty()) {
                throw request_id_conflict(
                    "request_id " + request.request_id + " is already used by another source event"
                );
            }
            out = {existing[0][0].as<std::string>(), existing[0][1].as<std::string>(), true};
            tx.commit();
            return;
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
