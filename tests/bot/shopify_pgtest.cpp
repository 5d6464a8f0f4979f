// Shopify webhooks against a running `refundbot serve` and a real PostgreSQL, signed exactly as
// Shopify signs them.
#include "adapters/shopify/webhooks.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace refundbot {
namespace {

namespace json = boost::json;

constexpr const char* app_secret = "shpss_test_app_secret";
constexpr const char* intake_secret = "whsec_shopify_intake";

const std::string refund_body = R"({"id":9001,"order_id":"ord_shop_1","note":"damaged",
    "transactions":[{"id":1,"kind":"refund","status":"success","amount":"20.00","currency":"USD",
    "gateway":"shopify_payments"}]})";

tests::http_reply deliver(
    std::uint16_t port,
    const std::string& body,
    const std::string& event_id,
    const std::string& topic = "refunds/create",
    std::optional<std::string> hmac = std::nullopt
) {
    return tests::http(
        port,
        {.method = "POST",
         .target = "/webhooks/shopify",
         .body = body,
         .headers =
             {
                 {"X-Shopify-Hmac-Sha256",
                  hmac.value_or(adapters::shopify::sign(app_secret, body))},
                 {"X-Shopify-Topic", topic},
                 {"X-Shopify-Shop-Domain", "refundbot-test.myshopify.com"},
                 {"X-Shopify-API-Version", "2026-01"},
                 {"X-Shopify-Webhook-Id", "wh-" + event_id},
                 {"X-Shopify-Event-Id", event_id},
             }}
    );
}

TEST(shopify, a_refund_made_in_the_shop_counts_against_the_order_once) {
    tests::scratch_database db;
    tests::service svc(
        db.url(),
        {{"REFUNDBOT_SHOPIFY_WEBHOOK_SECRET", app_secret},
         {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret}}
    );
    const auto first = deliver(svc.port, refund_body, "evt-1");
    EXPECT_EQ(first.status, 200) << first.body;
    const auto again = deliver(svc.port, refund_body, "evt-1");
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body.find("\"duplicate\":true"), std::string::npos) << again.body;
    EXPECT_EQ(
        db.query(
            "SELECT count(*) || ' ' || sum(amount) || ' ' || min(order_id) FROM external_refunds"
        ),
        "1 2000 ord_shop_1"
    );

    // The order paid 29.00; 20.00 went back in the shop, so 29.00 more is refused.
    auto request =
        json::parse(tests::read_source_file("tests/data/seed/case_a_request.json")).as_object();
    request["request_id"] = "rf_shop_1";
    request["order"].as_object()["order_id"] = "ord_shop_1";
    ASSERT_EQ(
        tests::post_signed_request(svc.port, intake_secret, json::serialize(request)).status, 202
    );
    EXPECT_EQ(
        db.wait_for("SELECT state FROM requests WHERE request_id = 'rf_shop_1'", "DENIED"), "DENIED"
    );
    EXPECT_NE(
        db.query("SELECT report::text FROM decisions WHERE request_id = 'rf_shop_1'")
            .find("20.00 USD already refunded"),
        std::string::npos
    );
    EXPECT_EQ(db.query("SELECT count(*) FROM sandbox_refunds"), "0");
}

TEST(shopify, bad_signatures_missing_headers_and_bad_bodies_store_nothing) {
    tests::scratch_database db;
    tests::service svc(db.url(), {{"REFUNDBOT_SHOPIFY_WEBHOOK_SECRET", app_secret}});
    const auto forged = deliver(
        svc.port,
        refund_body,
        "evt-2",
        "refunds/create",
        adapters::shopify::sign("wrong", refund_body)
    );
    EXPECT_EQ(forged.status, 401);
    EXPECT_NE(forged.body.find("invalid_signature"), std::string::npos) << forged.body;

    const auto bad = R"({"id":1,"order_id":2})";
    const auto invalid = deliver(svc.port, bad, "evt-3");
    EXPECT_EQ(invalid.status, 400);
    EXPECT_NE(invalid.body.find("transactions: required"), std::string::npos) << invalid.body;

    const auto no_topic = tests::http(
        svc.port,
        {.method = "POST",
         .target = "/webhooks/shopify",
         .body = refund_body,
         .headers = {{"X-Shopify-Hmac-Sha256", adapters::shopify::sign(app_secret, refund_body)}}}
    );
    EXPECT_EQ(no_topic.status, 400);
    EXPECT_NE(no_topic.body.find("x-shopify-topic is required"), std::string::npos)
        << no_topic.body;

    const auto other = deliver(svc.port, R"({"id":5})", "evt-4", "orders/create");
    EXPECT_EQ(other.status, 200);
    EXPECT_NE(other.body.find("\"ignored\":\"orders/create\""), std::string::npos);
    EXPECT_EQ(db.query("SELECT count(*) FROM external_refunds"), "0");
    EXPECT_EQ(db.query("SELECT count(*) FROM payment_events"), "0");
}

}  // namespace
}  // namespace refundbot
