#include "pipeline/decide.hpp"
#include "pipeline/model/order_facts.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::model {
namespace {

namespace json = boost::json;

// A Shopify return: the order id, two returned lines, no prices, no customer.
refund_request partial_return() {
    const auto parsed = parse_refund_request(tests::request_json([](json::object& o) {
        o["customer"] = json::object{{"customer_id", ""}};
        o["order"] = json::parse(R"({"order_id": "4509", "currency": "USD", "complete": false,
            "items": [{"line_item_id": "li_2", "quantity": 2}, {"line_item_id": "li_3"}]})");
        o["refund"].as_object().erase("amount_requested");
    }));
    EXPECT_TRUE(parsed.ok()) << parsed.errors.front();
    return *parsed.value;
}

order_info shop_order() {
    return *parse_order(json::parse(R"({"order_id": "4509", "currency": "USD", "total": "95.00",
        "items": [
          {"line_item_id": "li_1", "sku": "GIFT-50", "category": "gift_card", "price": "50.00"},
          {"line_item_id": "li_2", "sku": "SOCK-2", "category": "apparel", "price": "7.50", "quantity": 2},
          {"line_item_id": "li_3", "sku": "CAP-1", "category": "apparel", "price": "30.00"}],
        "delivered_at": "2026-02-18T09:00:00Z",
        "payment": {"processor": "stripe", "charge_id": "ch_9"}})"))
                .value;
}

TEST(order_facts, a_return_is_completed_with_only_its_lines_and_priced_from_them) {
    auto r = partial_return();
    order_facts facts;
    facts.order = shop_order();
    facts.customer_id = "cus_shop_77";
    EXPECT_EQ(complete_request(r, facts), std::nullopt);
    EXPECT_TRUE(r.order.complete);
    EXPECT_EQ(r.customer.customer_id, "cus_shop_77");
    EXPECT_EQ(r.order.total, 9500);
    ASSERT_EQ(r.order.items.size(), 2U) << "the gift card was not returned";
    EXPECT_EQ(r.order.items[0].sku, "SOCK-2");
    EXPECT_EQ(r.order.items[0].quantity, 2);
    EXPECT_EQ(r.order.items[1].quantity, 1) << "the return's quantity, not the order's";
    EXPECT_EQ(r.refund.amount_requested, 2 * 750 + 3000);
    EXPECT_EQ(r.order.pay.charge_id, "ch_9");
}

TEST(order_facts, a_lookup_that_misses_a_returned_line_leaves_the_order_partial) {
    auto r = partial_return();
    order_facts facts;
    facts.order = shop_order();
    facts.order->items.pop_back();
    EXPECT_EQ(complete_request(r, facts), "the order lookup does not list line li_3");
    EXPECT_FALSE(r.order.complete);
    EXPECT_EQ(r.refund.amount_requested, 0);

    order_facts failed;
    failed.unavailable = "order lookup failed: timeout";
    EXPECT_EQ(complete_request(r, failed), "order lookup failed: timeout");
    EXPECT_EQ(complete_request(r, {}), "the order lookup returned no order");
}

TEST(order_facts, the_shops_delivery_and_history_win_over_what_refundbot_inferred) {
    auto ours = tests::make_context();
    ours.stats.lifetime_orders = 1;
    ours.stats.chargeback_count_365d = std::nullopt;
    order_facts facts;
    facts.context = tests::make_context([](json::object& c) {
        c["customer_stats"] = json::parse(
            R"({"lifetime_orders": 14, "account_age_days": 900, "chargeback_count_365d": 1})"
        );
        c["delivery"] = json::parse(R"({"status": "delivered", "carrier": "UPS",
            "delivered_at": "2026-02-18T09:00:00Z"})");
    });
    merge_shop_context(ours, facts);
    EXPECT_EQ(ours.stats.lifetime_orders, 14);
    EXPECT_EQ(ours.stats.account_age_days, 900);
    EXPECT_EQ(ours.stats.chargeback_count_365d, 1);
    EXPECT_EQ(ours.delivery.carrier, "UPS");
}

TEST(order_facts, an_order_nobody_completed_goes_to_a_human_and_is_never_denied_for_it) {
    const auto r = partial_return();
    auto context = tests::make_context();
    context.gaps.push_back("order lookup failed: timeout after 3000 ms");
    reasoning::offline_reasoner reasoner;
    const auto out = decide(r, context, tests::make_policy(), reasoner, tests::decision_contract());
    EXPECT_EQ(out.gate.route, approval::route::manual_review);
    const auto* known = out.evaluation.find("order_known");
    ASSERT_NE(known, nullptr);
    EXPECT_EQ(known->status, rule_status::fail);
    EXPECT_EQ(known->reason, "order details unknown: order lookup failed: timeout after 3000 ms");
    EXPECT_EQ(out.evaluation.find("amount_within_refundable")->status, rule_status::unknown);
    EXPECT_EQ(out.evaluation.find("final_sale")->status, rule_status::unknown);
}

TEST(order_facts, a_partial_order_round_trips_through_the_stored_form) {
    const auto r = partial_return();
    const auto again = parse_order(order_to_json(r.order));
    ASSERT_TRUE(again.ok()) << again.errors.front();
    EXPECT_FALSE(again.value->complete);
    ASSERT_EQ(again.value->items.size(), 2U);
    EXPECT_EQ(again.value->items[0].line_item_id, "li_2");

    const auto full = parse_order(order_to_json(shop_order()));
    ASSERT_TRUE(full.ok()) << full.errors.front();
    EXPECT_EQ(full.value->total, 9500);
    EXPECT_EQ(full.value->pay.charge_id, "ch_9") << "the stored form keeps the payment";
    EXPECT_FALSE(parse_order(json::parse(R"({"order_id": "1", "currency": "USD"})")).ok())
        << "a complete order needs its total and items";
}

}  // namespace
}  // namespace refundbot::pipeline::model
