// Shopify webhooks against a running `refundbot serve` and a real PostgreSQL, signed exactly as
// Shopify signs them.
#include "adapters/shopify/webhooks.hpp"
#include "pipeline/core/timestamp.hpp"
#include "tests/support/fake_orders.hpp"
#include "tests/support/fake_shopify.hpp"
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

const std::string return_body = R"({"id": 7923302, "status": "requested", "name": "#1001-R1",
  "order": {"id": 4509, "admin_graphql_api_id": "gid://shopify/Order/4509"},
  "return_line_items": [
    {"id": 1, "quantity": 1, "return_reason": "size_too_small", "return_reason_note": "",
     "customer_note": null, "fulfillment_line_item": {"id": 11, "line_item": {"id": 112}}}]})";

// What the shop's order system says about order 4509 (docs/order-lookup.md), delivered two
// days ago.
std::string order_4509() {
    const auto delivered =
        pipeline::core::format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now() - std::chrono::hours(48)
        ));
    return R"({"customer_id": "cus_shop_4509",
  "order": {"order_id": "4509", "currency": "USD", "total": "80.00",
    "items": [{"line_item_id": "111", "sku": "GIFT-50", "category": "gift_card", "price": "50.00"},
              {"line_item_id": "112", "sku": "BAG-1", "category": "apparel", "price": "30.00"}],
    "delivered_at": ")" +
           delivered + R"(", "payment": {"processor": "stripe", "payment_intent_id": "pi_4509"}},
  "context": {"customer_stats": {"lifetime_orders": 6, "chargeback_count_365d": 0},
    "delivery": {"status": "delivered", "carrier": "UPS", "delivered_at": ")" +
           delivered + R"("}}})";
}

TEST(shopify, a_return_request_becomes_a_request_completed_by_the_order_lookup) {
    tests::scratch_database db;
    tests::fake_orders orders("oms-token");
    orders.add("4509", order_4509());
    tests::service svc(
        db.url(),
        {{"REFUNDBOT_SHOPIFY_WEBHOOK_SECRET", app_secret},
         {"REFUNDBOT_ENRICH_ORDER_LOOKUP_URL", orders.url()},
         {"REFUNDBOT_ENRICH_ORDER_LOOKUP_TOKEN", "oms-token"}}
    );
    const auto first = deliver(svc.port, return_body, "evt-r1", "returns/request");
    ASSERT_EQ(first.status, 202) << first.body;
    EXPECT_EQ(json::parse(first.body).at("request_id"), "shopify-return-7923302");
    const auto state = db.wait_for(
        "SELECT state FROM requests WHERE request_id = 'shopify-return-7923302'", "REFUNDED"
    );
    EXPECT_EQ(state, "REFUNDED") << svc.process->output();
    // Only the returned bag, priced from the order; the gift card stays out of the request.
    EXPECT_EQ(
        db.query("SELECT customer_id || ' ' || amount_requested || ' ' || order_total || ' ' || "
                 "(payload #>> '{order,items,0,sku}') || ' ' || jsonb_array_length(payload #> "
                 "'{order,items}') || ' ' || (payload #>> '{order,payment,payment_intent_id}') "
                 "FROM requests WHERE request_id = 'shopify-return-7923302'"),
        "cus_shop_4509 3000 8000 BAG-1 1 pi_4509"
    );
    EXPECT_EQ(orders.rejections().size(), 0U);

    // Redelivered (same event) and delivered again through a second subscription.
    EXPECT_EQ(deliver(svc.port, return_body, "evt-r1", "returns/request").status, 200);
    EXPECT_EQ(deliver(svc.port, return_body, "evt-r2", "returns/request").status, 200);
    EXPECT_EQ(db.query("SELECT count(*) FROM requests"), "1");
    EXPECT_EQ(
        db.query("SELECT count(*) FROM executions WHERE request_id = 'shopify-return-7923302'"), "1"
    );

    const auto bad =
        deliver(svc.port, R"({"id": 8, "return_line_items": []})", "evt-r3", "returns/request");
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_NE(bad.body.find("\"path\":\"order\""), std::string::npos) << bad.body;
    EXPECT_EQ(db.query("SELECT count(*) FROM requests"), "1") << "nothing stored for a bad body";
}

TEST(shopify, a_return_nobody_can_look_up_waits_for_a_human_with_the_reason) {
    tests::scratch_database db;
    tests::fake_orders orders("oms-token");  // knows no orders: 404
    tests::service svc(
        db.url(),
        {{"REFUNDBOT_SHOPIFY_WEBHOOK_SECRET", app_secret},
         {"REFUNDBOT_ENRICH_ORDER_LOOKUP_URL", orders.url()},
         {"REFUNDBOT_ENRICH_ORDER_LOOKUP_TOKEN", "oms-token"}}
    );
    ASSERT_EQ(deliver(svc.port, return_body, "evt-r1", "returns/request").status, 202);
    EXPECT_EQ(
        db.wait_for(
            "SELECT state FROM requests WHERE request_id = 'shopify-return-7923302'",
            "PENDING_REVIEW"
        ),
        "PENDING_REVIEW"
    ) << svc.process->output();
    const auto reasons =
        db.query("SELECT report::text FROM decisions WHERE request_id = 'shopify-return-7923302'");
    EXPECT_NE(
        reasons.find("order details unknown: the order lookup does not know order 4509"),
        std::string::npos
    ) << reasons;
}

// Order 4509 as the Shopify Admin API answers it: the bag is tagged Clearance.
const std::string shopify_order_4509 = R"({"id": "gid://shopify/Order/4509", "name": "#1001",
  "currencyCode": "USD", "totalPriceSet": {"shopMoney": {"amount": "80.0", "currencyCode": "USD"}},
  "shippingAddress": null, "customer": {"id": "gid://shopify/Customer/207",
    "numberOfOrders": "3", "createdAt": "2025-02-01T00:00:00Z",
    "amountSpent": {"amount": "200.0", "currencyCode": "USD"}},
  "fulfillments": [], "refunds": [],
  "lineItems": {"nodes": [
    {"id": "gid://shopify/LineItem/111", "sku": "GIFT-50", "quantity": 1, "isGiftCard": true,
     "discountedUnitPriceSet": {"shopMoney": {"amount": "50.0", "currencyCode": "USD"}},
     "product": null},
    {"id": "gid://shopify/LineItem/112", "sku": "BAG-1", "quantity": 1, "isGiftCard": false,
     "discountedUnitPriceSet": {"shopMoney": {"amount": "30.0", "currencyCode": "USD"}},
     "product": {"productType": "Tote Bags", "tags": ["clearance"]}}]}})";

TEST(shopify, a_return_is_completed_from_the_admin_api_with_categories_from_the_config) {
    tests::scratch_database db;
    tests::fake_shopify shop("shpat_e2e", "2026-10");
    shop.add(shopify_order_4509);
    const auto config = tests::write_temp_file(
        "shopify-admin.toml",
        "[shopify]\nadmin_url = \"" + shop.shop_url() +
            "\"\napi_version = \"2026-10\"\nfinal_sale_tags = [\"Clearance\"]\n"
            "product_type_categories = { \"Tote Bags\" = \"apparel\" }\n"
    );
    tests::service svc(
        db.url(),
        {{"REFUNDBOT_CONFIG", config},
         {"REFUNDBOT_SHOPIFY_WEBHOOK_SECRET", app_secret},
         {"REFUNDBOT_SHOPIFY_ACCESS_TOKEN", "shpat_e2e"}}
    );
    ASSERT_EQ(deliver(svc.port, return_body, "evt-a1", "returns/request").status, 202);
    EXPECT_EQ(
        db.wait_for(
            "SELECT state FROM requests WHERE request_id = 'shopify-return-7923302'", "DENIED"
        ),
        "DENIED"
    ) << svc.process->output();
    EXPECT_EQ(
        db.query("SELECT customer_id || ' ' || amount_requested || ' ' || "
                 "(payload #>> '{order,items,0,category}') || ' ' || "
                 "(payload #>> '{order,items,0,final_sale}') || ' ' || "
                 "jsonb_array_length(payload #> '{order,items}') "
                 "FROM requests WHERE request_id = 'shopify-return-7923302'"),
        "207 3000 apparel true 1"
    );
    const auto report =
        db.query("SELECT report::text FROM decisions WHERE request_id = 'shopify-return-7923302'");
    EXPECT_NE(report.find("final_sale"), std::string::npos) << report;
    EXPECT_TRUE(shop.rejections().empty()) << shop.rejections().front();
    EXPECT_EQ(shop.queries().size(), 1U);
}

}  // namespace
}  // namespace refundbot
