// Order lookups in the Shopify Admin GraphQL API, against a loopback fake that checks the
// path, token and GraphQL request as Shopify documents them.
#include "adapters/http/client.hpp"
#include "adapters/shopify/orders.hpp"
#include "pipeline/core/timestamp.hpp"
#include "pipeline/model/order_facts.hpp"
#include "tests/support/fake_shopify.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::shopify {
namespace {

using namespace std::chrono_literals;

constexpr const char* version = "2026-10";

http::client quick_client() {
    http::client_settings s;
    s.connect_timeout = 500ms;
    s.request_timeout = 500ms;
    s.max_attempts = 2;
    return http::client(s);
}

std::string money(const std::string& amount, const std::string& currency = "EUR") {
    return R"({"shopMoney": {"amount": ")" + amount + R"(", "currencyCode": ")" + currency +
           R"("}})";
}

// Order #1001 as the Admin API answers it: a gift card, a clearance bag, an e-book, a lamp.
std::string order_1001(const std::string& bag_price = "30.0") {
    return R"({"id": "gid://shopify/Order/4509", "name": "#1001", "currencyCode": "EUR",
      "totalPriceSet": )" +
           money("95.5") + R"(,
      "shippingAddress": {"countryCodeV2": "DE"},
      "customer": {"id": "gid://shopify/Customer/207", "numberOfOrders": "7",
                   "createdAt": "2024-01-01T00:00:00Z", "amountSpent": {"amount": "410.25",
                   "currencyCode": "EUR"}},
      "fulfillments": [{"displayStatus": "IN_TRANSIT", "deliveredAt": null},
                       {"displayStatus": "DELIVERED", "deliveredAt": "2026-11-20T10:00:00Z"}],
      "refunds": [{"id": "gid://shopify/Refund/88", "createdAt": "2026-11-21T09:00:00Z",
                   "totalRefundedSet": )" +
           money("5.00") + R"(}],
      "lineItems": {"nodes": [
        {"id": "gid://shopify/LineItem/111", "sku": "GIFT-50", "quantity": 1, "isGiftCard": true,
         "discountedUnitPriceSet": )" +
           money("50.0") + R"(, "product": null},
        {"id": "gid://shopify/LineItem/112", "sku": "BAG-1", "quantity": 1, "isGiftCard": false,
         "discountedUnitPriceSet": )" +
           money(bag_price) + R"(,
         "product": {"productType": "Bags", "tags": ["Clearance", "summer"]}},
        {"id": "gid://shopify/LineItem/113", "sku": "BOOK-1", "quantity": 1, "isGiftCard": false,
         "discountedUnitPriceSet": )" +
           money("9.5") + R"(,
         "product": {"productType": "Books", "tags": ["Ebook"]}},
        {"id": "gid://shopify/LineItem/114", "sku": "LAMP-1", "quantity": 2, "isGiftCard": false,
         "discountedUnitPriceSet": )" +
           money("3.0") + R"(,
         "product": {"productType": "Home & Garden", "tags": []}}]}})";
}

admin_settings settings(const tests::fake_shopify& shop, std::string token = "shpat_test") {
    admin_settings s;
    s.shop_url = shop.shop_url();
    s.api_version = version;
    s.access_token = pipeline::core::secret(std::move(token));
    s.categories.product_types = {{"bags", "apparel"}, {"books", "media"}};
    s.categories.tags = {{"ebook", "digital"}};
    s.categories.final_sale_tags = {"clearance"};
    return s;
}

pipeline::model::refund_request request_for(const std::string& order_id) {
    auto r = tests::make_request();
    r.order.order_id = order_id;
    return r;
}

TEST(shopify_orders, an_order_comes_back_priced_categorised_delivered_with_its_refunds) {
    tests::fake_shopify shop("shpat_test", version);
    shop.add(order_1001());
    auto client = quick_client();
    admin_orders orders(client, settings(shop));
    const auto facts = orders.look_up(request_for("4509"));
    ASSERT_TRUE(facts.unavailable.empty()) << facts.unavailable;
    ASSERT_TRUE(facts.order);
    const auto& o = *facts.order;
    EXPECT_EQ(o.order_id, "4509");
    EXPECT_EQ(o.currency, "EUR");
    EXPECT_EQ(o.total, 9550);
    EXPECT_EQ(o.shipping_country, "DE");
    ASSERT_EQ(o.items.size(), 4U);
    EXPECT_EQ(o.items[0].line_item_id, "111") << "webhooks name lines by number, not by gid";
    EXPECT_EQ(o.items[0].category, "gift_card");
    EXPECT_EQ(o.items[1].category, "apparel") << "mapped from the product type";
    EXPECT_TRUE(o.items[1].final_sale) << "tagged Clearance, a final-sale tag";
    EXPECT_EQ(o.items[1].price, 3000);
    EXPECT_EQ(o.items[2].category, "digital") << "a mapped tag wins over the product type";
    EXPECT_FALSE(o.items[2].final_sale);
    EXPECT_EQ(o.items[3].category, "home_garden") << "unmapped types become their own name";
    EXPECT_EQ(o.items[3].quantity, 2);
    EXPECT_EQ(o.delivered_at, pipeline::core::parse_rfc3339("2026-11-20T10:00:00Z"));
    EXPECT_TRUE(o.pay.processor.empty()) << "a Shopify payment is not a Stripe charge";

    EXPECT_EQ(facts.customer_id, "207");
    ASSERT_TRUE(facts.context);
    const auto& c = *facts.context;
    EXPECT_EQ(c.delivery.status, "delivered");
    EXPECT_EQ(c.stats.lifetime_orders, 7);
    EXPECT_EQ(c.stats.lifetime_spend, 41025);
    EXPECT_GT(c.stats.account_age_days.value_or(0), 365);
    ASSERT_EQ(c.prior_refunds.size(), 1U);
    EXPECT_EQ(c.prior_refunds[0].refund_id, "88");
    EXPECT_EQ(c.prior_refunds[0].amount, 500);

    EXPECT_TRUE(shop.rejections().empty()) << shop.rejections().front();
    const auto query = shop.queries().at(0);
    for (const char* personal : {"email", "phone", "firstName", "lastName", "address1"}) {
        EXPECT_EQ(query.find(personal), std::string::npos) << personal << " is not needed";
    }
}

TEST(shopify_orders, a_ticket_naming_the_order_by_its_name_finds_it) {
    tests::fake_shopify shop("shpat_test", version);
    shop.add(order_1001());
    auto client = quick_client();
    admin_orders orders(client, settings(shop));
    const auto facts = orders.look_up(request_for("#1001"));
    ASSERT_TRUE(facts.unavailable.empty()) << facts.unavailable;
    EXPECT_EQ(facts.order->order_id, "4509");
    EXPECT_EQ(orders.look_up(request_for("#1002")).unavailable, "Shopify has no order #1002");
    EXPECT_TRUE(shop.rejections().empty()) << shop.rejections().front();
}

TEST(shopify_orders, a_return_is_completed_with_only_its_lines_and_refunds_made_in_the_shop_count) {
    tests::fake_shopify shop("shpat_test", version);
    shop.add(order_1001());
    auto client = quick_client();
    admin_orders orders(client, settings(shop));
    auto request = request_for("4509");
    request.order = {};
    request.order.order_id = "4509";
    request.order.complete = false;
    pipeline::model::line_item lamp;
    lamp.line_item_id = "114";
    request.order.items = {lamp};
    request.refund.amount_requested = 0;
    request.refund.currency.clear();
    const auto facts = orders.look_up(request);
    EXPECT_EQ(pipeline::model::complete_request(request, facts), std::nullopt);
    EXPECT_EQ(request.refund.amount_requested, 300) << "one of the two lamps";
    EXPECT_EQ(request.refund.currency, "EUR");
    pipeline::model::enriched_context ours;
    ours.prior_refunds.push_back({"88", 500, "succeeded", std::nullopt});
    ours.prior_refunds.push_back({"re_1", 700, "succeeded", std::nullopt});
    pipeline::model::merge_shop_context(ours, facts);
    EXPECT_EQ(ours.already_refunded(), 1200) << "refund 88 was already known: counted once";
}

TEST(shopify_orders, tokens_throttling_unknown_orders_and_bad_answers_say_why) {
    tests::fake_shopify shop("shpat_test", version);
    auto client = quick_client();
    admin_orders orders(client, settings(shop));
    EXPECT_EQ(orders.look_up(request_for("4509")).unavailable, "Shopify has no order 4509");

    admin_orders stale(client, settings(shop, "shpat_stale"));
    EXPECT_EQ(
        stale.look_up(request_for("4509")).unavailable,
        "Shopify refused the access token (HTTP 401); it needs the read_orders scope"
    );
    EXPECT_EQ(shop.rejections().size(), 1U);

    shop.throttle(1);
    EXPECT_EQ(
        orders.look_up(request_for("4509")).unavailable, "Shopify throttled the order lookup"
    );

    shop.add(order_1001("30.001"));
    EXPECT_EQ(
        orders.look_up(request_for("4509")).unavailable,
        "Shopify's order 4509 is unreadable: discountedUnitPriceSet.shopMoney.amount: has 3 "
        "decimals; the currency allows 2"
    );
    EXPECT_EQ(
        orders.look_up(request_for("")).unavailable,
        "the request names no order to look up in Shopify"
    );

    auto nowhere = settings(shop);
    nowhere.shop_url = "http://127.0.0.1:1";
    admin_orders down(client, nowhere);
    EXPECT_NE(
        down.look_up(request_for("4509")).unavailable.find("Shopify order lookup failed: "),
        std::string::npos
    );
}

}  // namespace
}  // namespace refundbot::adapters::shopify
