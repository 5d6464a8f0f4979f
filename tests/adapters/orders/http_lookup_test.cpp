#include "adapters/http/client.hpp"
#include "adapters/orders/http_lookup.hpp"
#include "tests/support/fake_orders.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::orders {
namespace {

using namespace std::chrono_literals;

http::client quick_client() {
    http::client_settings s;
    s.connect_timeout = 300ms;
    s.request_timeout = 300ms;
    s.max_attempts = 2;
    return http::client(s);
}

TEST(order_lookup, answers_with_the_order_customer_and_context_the_shop_reports) {
    tests::fake_orders shop("oms-token");
    shop.add("ord_55419", R"({"customer_id": "cus_8821",
        "order": {"order_id": "ord_55419", "currency": "JPY", "total": 12900,
                  "items": [{"sku": "TEA-1", "category": "food", "price": 12900}]},
        "context": {"customer_stats": {"lifetime_spend": 50000, "account_age_days": 12}}})");
    auto client = quick_client();
    http_lookup lookup(client, {shop.url(), pipeline::core::secret("oms-token")});
    const auto facts = lookup.look_up(tests::make_request());
    ASSERT_TRUE(facts.unavailable.empty()) << facts.unavailable;
    ASSERT_TRUE(facts.order);
    EXPECT_EQ(facts.order->total, 12900) << "JPY has no minor unit";
    EXPECT_EQ(facts.customer_id, "cus_8821");
    ASSERT_TRUE(facts.context);
    EXPECT_EQ(facts.context->stats.lifetime_spend, 50000) << "read in the order's currency";
    EXPECT_TRUE(shop.rejections().empty()) << shop.rejections().front();
}

TEST(order_lookup, unknown_orders_errors_timeouts_and_bad_answers_say_why_and_never_throw) {
    tests::fake_orders shop("oms-token");
    auto client = quick_client();
    http_lookup lookup(client, {shop.url(), pipeline::core::secret("oms-token")});
    const auto request = tests::make_request();
    EXPECT_EQ(
        lookup.look_up(request).unavailable, "the order lookup does not know order ord_55419"
    );

    http_lookup wrong_token(client, {shop.url(), pipeline::core::secret("stale")});
    EXPECT_EQ(wrong_token.look_up(request).unavailable, "the order lookup answered HTTP 400");

    shop.add("ord_55419", R"({"order": {"order_id": "ord_55419", "currency": "USD"}})");
    EXPECT_NE(
        lookup.look_up(request).unavailable.find("the order lookup's order is invalid: order."),
        std::string::npos
    );

    shop.add("ord_55419", R"({"order": null})");
    shop.delay(1500ms);
    const auto started = std::chrono::steady_clock::now();
    const auto slow = lookup.look_up(request);
    EXPECT_NE(slow.unavailable.find("order lookup failed: "), std::string::npos)
        << slow.unavailable;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms)
        << "the timeout, not the slow answer, ends the lookup";
}

}  // namespace
}  // namespace refundbot::adapters::orders
