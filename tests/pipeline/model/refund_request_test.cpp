#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::model {
namespace {

namespace json = boost::json;
using tests::request_json;

std::vector<std::string> errors_for(const tests::json_edit& edit) {
    return parse_refund_request(request_json(edit)).errors;
}

TEST(parse_refund_request, reads_the_seed_payload_into_minor_units) {
    const auto r = tests::make_request();
    EXPECT_EQ(r.request_id, "rf_01J0000000");
    EXPECT_EQ(r.order.currency, "USD");
    EXPECT_EQ(r.order.total, 12900);
    EXPECT_EQ(r.refund.amount_requested, 4900);
    EXPECT_EQ(r.refund.currency, "USD") << "defaults to the order currency";
    ASSERT_EQ(r.order.items.size(), 1u);
    EXPECT_EQ(r.order.items[0].price, 12900);
    EXPECT_EQ(r.order.items[0].quantity, 1);
    EXPECT_EQ(r.metadata.at("ip_country"), "US");
    EXPECT_EQ(core::format_rfc3339(r.created_at), "2026-02-21T12:03:00Z");
    ASSERT_EQ(r.refund.evidence.size(), 1u);
    EXPECT_EQ(r.refund.evidence[0].type, "photo");
}

TEST(parse_refund_request, reports_every_problem_with_its_json_path) {
    const auto errors = errors_for([](json::object& o) {
        o["order"].as_object()["items"] = json::parse(R"([
            {"sku": "A", "category": "apparel"},
            {"sku": "B", "category": "shoes", "final_sale": "no"},
            {"sku": "C", "category": 7}
        ])");
        o["refund"].as_object().erase("reason_text");
        o["customer"].as_object()["customer_id"] = "";
        o["created_at"] = "28/03/2026";
        o["surprise"] = 1;
        o["metadata"].as_object()["ip_country"] = 1;
    });
    const std::vector<std::string> expected = {
        "surprise: unknown key",
        "created_at: expected an RFC 3339 timestamp (2026-03-28T12:03:00Z), got \"28/03/2026\"",
        "customer.customer_id: must not be empty",
        "order.items[1].final_sale: expected boolean, got string",
        "order.items[2].category: expected string, got number",
        "refund.reason_text: required",
        "metadata.ip_country: expected string, got number",
    };
    for (const auto& e : expected) {
        EXPECT_NE(std::find(errors.begin(), errors.end(), e), errors.end())
            << "missing: " << e << "\n"
            << ::testing::PrintToString(errors);
    }
    EXPECT_EQ(errors.size(), expected.size()) << ::testing::PrintToString(errors);
}

TEST(parse_refund_request, applies_each_currency_exponent) {
    auto jpy = tests::make_request([](json::object& o) {
        auto& order = o["order"].as_object();
        order["currency"] = "JPY";
        order["total"] = 12900;
        order["items"].as_array()[0].as_object()["price"] = 12900;
        o["refund"].as_object()["amount_requested"] = "4900";
    });
    EXPECT_EQ(jpy.order.total, 12900);
    EXPECT_EQ(jpy.refund.amount_requested, 4900);

    auto kwd = tests::make_request([](json::object& o) {
        auto& order = o["order"].as_object();
        order["currency"] = "KWD";
        order["total"] = 12.345;
        order["items"].as_array()[0].as_object()["price"] = "12.345";
        o["refund"].as_object()["amount_requested"] = 1.5;
    });
    EXPECT_EQ(kwd.order.total, 12345);
    EXPECT_EQ(kwd.refund.amount_requested, 1500);
}

TEST(parse_refund_request, rejects_bad_amounts_and_currencies) {
    auto errors = errors_for([](json::object& o) {
        o["order"].as_object()["currency"] = "JPY";
        o["order"].as_object()["total"] = 129.5;
        o["order"].as_object()["items"].as_array()[0].as_object()["price"] = 129;
        o["refund"].as_object()["amount_requested"] = 49.00;
    });
    EXPECT_EQ(
        errors,
        std::vector<std::string>{"order.total: amount 129.5 has 1 decimals; the currency allows 0"}
    );

    errors =
        errors_for([](json::object& o) { o["refund"].as_object()["amount_requested"] = 49.999; });
    EXPECT_EQ(
        errors,
        std::vector<std::string>{
            "refund.amount_requested: amount 49.999 has 3 decimals; the currency allows 2"}
    );

    errors = errors_for([](json::object& o) { o["refund"].as_object()["amount_requested"] = -5; });
    EXPECT_EQ(
        errors, std::vector<std::string>{"refund.amount_requested: must not be negative, got -5"}
    );

    errors =
        errors_for([](json::object& o) { o["refund"].as_object()["amount_requested"] = true; });
    EXPECT_EQ(
        errors,
        std::vector<std::string>{
            "refund.amount_requested: expected amount (number or decimal string), got boolean"}
    );

    errors = errors_for([](json::object& o) { o["order"].as_object()["currency"] = "usd"; });
    EXPECT_EQ(
        errors, std::vector<std::string>{"order.currency: \"usd\" is not an ISO 4217 currency code"}
    );
}

TEST(parse_refund_request, needs_a_payment_reference_and_known_evidence_types) {
    const auto errors = errors_for([](json::object& o) {
        o["order"].as_object()["payment"] = json::parse(R"({"processor": "stripe"})");
        o["refund"].as_object()["evidence"] = json::parse(R"([{"type": "selfie"}])");
    });
    EXPECT_EQ(
        errors,
        (std::vector<std::string>{
            "order.payment: needs payment_intent_id or charge_id",
            "refund.evidence[0].type: expected one of photo, video, carrier_scan, receipt, "
            "tracking, other, got \"selfie\"",
        })
    );
}

TEST(parse_refund_request, reports_a_non_object_document_at_the_root) {
    EXPECT_EQ(
        parse_refund_request(json::value(3)).errors,
        std::vector<std::string>{"(document): expected object, got number"}
    );
}

TEST(refund_request_json, round_trips_without_the_customer_email) {
    const auto r = tests::make_request();
    const auto text = json::serialize(json::value_from(r));
    EXPECT_EQ(text.find("alex@example.com"), std::string::npos) << text;
    auto back = json::parse(text).as_object();
    back["customer"].as_object()["email"] = "alex@example.com";
    const auto again = parse_refund_request(back);
    ASSERT_TRUE(again.ok()) << ::testing::PrintToString(again.errors);
    EXPECT_EQ(again.value->refund.amount_requested, r.refund.amount_requested);
    EXPECT_EQ(again.value->order.total, r.order.total);
}

TEST(parse_enriched_context, reads_history_and_prior_refunds) {
    const auto c = tests::make_context([](json::object& o) {
        o["prior_refunds"] = json::parse(R"([
            {"refund_id": "re_1", "amount": 20.00, "status": "succeeded"},
            {"refund_id": "re_2", "amount": "10.50", "status": "pending"},
            {"refund_id": "re_3", "amount": 99, "status": "failed"}
        ])");
    });
    EXPECT_EQ(c.stats.lifetime_spend, 61120);
    EXPECT_EQ(c.already_refunded(), 3050) << "failed refunds returned no money";
}

TEST(parse_enriched_context, reports_errors_with_paths) {
    const auto parsed = parse_enriched_context(
        json::parse(
            R"({"customer_stats": {"chargeback_count_365d": -1}, "delivery": {"status": "teleported"},
                        "risk": {"risk_score": 1.5}, "prior_refunds": [{"amount": 1.234}]})"
        ),
        2
    );
    EXPECT_EQ(
        parsed.errors,
        (std::vector<std::string>{
            "customer_stats.chargeback_count_365d: must be between 0 and 1000000000, got -1",
            "delivery.status: expected one of delivered, in_transit, lost, returned, unknown, got "
            "\"teleported\"",
            "risk.risk_score: must be between 0 and 1, got 1.5",
            "prior_refunds[0].amount: amount 1.234 has 3 decimals; the currency allows 2",
        })
    );
}

}  // namespace
}  // namespace refundbot::pipeline::model
