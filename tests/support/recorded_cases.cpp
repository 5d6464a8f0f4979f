#include "tests/support/recorded_cases.hpp"

#include "adapters/postgres/review_store.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <stdexcept>

namespace refundbot::tests {

namespace json = boost::json;
namespace postgres = adapters::postgres;

void seed_recorded_cases(
    const std::string& database_url, const pipeline::policy::refund_policy& policy, int count
) {
    static constexpr double amounts[] = {20, 45, 60, 90, 150, 250};
    static constexpr const char* categories[] = {"apparel", "electronics", "home"};
    static constexpr const char* sources[] = {"zendesk", "shopify", "helpdesk"};
    pqxx::connection cx(database_url);
    pipeline::reasoning::offline_reasoner rules;
    for (int i = 0; i < count; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "rf_seed_%04d", i);
        char day[16];
        std::snprintf(day, sizeof day, "2026-11-%02d", 1 + i % 10);
        const auto at = std::string(day) + "T12:00:00Z";
        const auto n = static_cast<std::size_t>(i);
        // Stored as intake stores it: the normalized JSON as sent, payment ids included.
        const auto sent = request_json([&](json::object& r) {
            r["request_id"] = id;
            r["source"] = sources[(n / 18) % 3];
            r["customer"].as_object()["customer_id"] = "cus_seed_" + std::to_string(i);
            auto& order = r["order"].as_object();
            order["order_id"] = std::string("ord_") + id;
            order["total"] = 300.0;
            auto& item = order["items"].as_array()[0].as_object();
            item["category"] = categories[(n / 6) % 3];
            item["price"] = 300.0;
            order["delivered_at"] = std::string(day) + "T08:00:00Z";
            order["payment"].as_object()["payment_intent_id"] = std::string("pi_") + id;
            r["refund"].as_object()["amount_requested"] = amounts[n % 6];
            r["created_at"] = at;
        });
        const auto request = *pipeline::model::parse_refund_request(sent).value;
        const auto context = make_context([&](json::object& c) {
            c["delivery"].as_object()["delivered_at"] = std::string(day) + "T08:00:00Z";
            if (i % 11 == 0) {
                c["customer_stats"].as_object()["chargeback_count_365d"] = 3;
            }
        });
        {
            pqxx::work tx(cx);
            tx.exec_params(
                "INSERT INTO requests (request_id, source, source_event_id, state, customer_id, "
                "order_id, currency, order_total, amount_requested, payload, received_at) VALUES "
                "($1, $2, $1, 'RECEIVED', $3, $4, 'USD', $5, $6, $7::jsonb, $8::timestamptz)",
                request.request_id,
                request.source,
                request.customer.customer_id,
                request.order.order_id,
                request.order.total,
                request.refund.amount_requested,
                json::serialize(sent),
                at
            );
            tx.commit();
        }
        const auto outcome = pipeline::decide(request, context, policy, rules, decision_contract());
        const auto state = postgres::apply_decision(cx, request.request_id, 1, outcome, context);
        using pipeline::workflow::request_state;
        if (state == request_state::pending_review) {
            const auto action = i % 4 == 0   ? postgres::review_action::deny
                                : i % 4 == 1 ? postgres::review_action::request_evidence
                                             : postgres::review_action::approve;
            const auto result = postgres::apply_review(
                cx, {request.request_id, "U0SEEDREVIEW", action, false, "other", ""}
            );
            (void)result;
        }
        if (state == request_state::auto_approved && i % 7 == 0) {
            pqxx::work tx(cx);
            tx.exec_params(
                "INSERT INTO chargebacks (source, dispute_id, payment_intent_id, customer_id, "
                "amount, currency, reason, status, opened_at) VALUES ('stripe', $1, $2, $3, $4, "
                "'USD', 'fraudulent', 'needs_response', $5::timestamptz + interval '20 days')",
                std::string("dp_") + id,
                std::string("pi_") + id,
                request.customer.customer_id,
                request.refund.amount_requested,
                at
            );
            tx.commit();
        }
    }
}

}  // namespace refundbot::tests
