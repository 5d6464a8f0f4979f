#include "pipeline/model/claims.hpp"
#include "pipeline/policy/rules.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::policy {
namespace {

namespace json = boost::json;
using model::rule_status;

struct rule_case {
    std::string name;
    std::string rule;
    tests::json_edit request_edit;
    tests::json_edit context_edit;
    tests::json_edit policy_edit;
    rule_status expected;
    std::string reason_contains;
    double risk = 0.05;
};

void PrintTo(const rule_case& c, std::ostream* os) {
    *os << c.name;
}

class rule_cases : public ::testing::TestWithParam<rule_case> {};

TEST_P(rule_cases, yield_the_expected_verdict_and_reason) {
    const auto& c = GetParam();
    const auto request = tests::make_request(c.request_edit);
    const auto context = tests::make_context(c.context_edit, request.order.exponent);
    const auto policy = tests::make_policy(c.policy_edit);
    const auto eval = evaluate(request, context, model::read_claims(request), policy, c.risk);
    ASSERT_EQ(eval.rules.size(), rule_ids().size());
    const auto* r = eval.find(c.rule);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->status, c.expected) << r->reason;
    EXPECT_NE(r->reason.find(c.reason_contains), std::string::npos) << r->reason;
}

auto set_reason(std::string text) {
    return [text](json::object& o) { o["refund"].as_object()["reason_text"] = text; };
}
auto set_amount(std::string amount) {
    return [amount](json::object& o) { o["refund"].as_object()["amount_requested"] = amount; };
}
auto set_item(std::string category, bool final_sale = false) {
    return [category, final_sale](json::object& o) {
        auto& item = o["order"].as_object()["items"].as_array()[0].as_object();
        item["category"] = category;
        item["final_sale"] = final_sale;
    };
}
auto set_delivery(std::string status) {
    return [status](json::object& o) { o["delivery"].as_object()["status"] = status; };
}
auto both(tests::json_edit a, tests::json_edit b) {
    return [a, b](json::object& o) {
        a(o);
        b(o);
    };
}
auto no_evidence = [](json::object& o) { o["refund"].as_object()["evidence"] = json::array(); };

INSTANTIATE_TEST_SUITE_P(
    policy,
    rule_cases,
    ::testing::Values(
        rule_case{
            "window_pass",
            "within_refund_window",
            {},
            {},
            {},
            rule_status::pass,
            "7 days after delivery; window is 30"},
        rule_case{
            "window_fail",
            "within_refund_window",
            [](json::object& o) { o["created_at"] = "2026-03-28T12:03:00Z"; },
            {},
            {},
            rule_status::fail,
            "42 days after delivery"},
        rule_case{
            "window_unknown_in_transit",
            "within_refund_window",
            [](json::object& o) { o["order"].as_object().erase("delivered_at"); },
            [](json::object& o) { o["delivery"] = json::parse(R"({"status": "in_transit"})"); },
            {},
            rule_status::unknown,
            "not delivered yet"},
        rule_case{
            "category_pass", "non_refundable_category", {}, {}, {}, rule_status::pass, "no item"},
        rule_case{
            "category_fail",
            "non_refundable_category",
            set_item("gift_card"),
            {},
            {},
            rule_status::fail,
            "non-refundable category gift_card"},
        rule_case{
            "final_sale_pass", "final_sale", {}, {}, {}, rule_status::pass, "no final-sale items"},
        rule_case{
            "final_sale_fail",
            "final_sale",
            set_item("apparel", true),
            {},
            {},
            rule_status::fail,
            "TSHIRT-001 was sold as final sale"},
        rule_case{
            "refundable_pass",
            "amount_within_refundable",
            {},
            {},
            {},
            rule_status::pass,
            "requested 49.00 USD of 129.00 USD refundable"},
        rule_case{
            "refundable_fail_over_total",
            "amount_within_refundable",
            set_amount("129.01"),
            {},
            {},
            rule_status::fail,
            "exceeds refundable 129.00 USD"},
        rule_case{
            "refundable_fail_zero",
            "amount_within_refundable",
            set_amount("0"),
            {},
            {},
            rule_status::fail,
            "must be positive"},
        rule_case{
            "currency_pass", "currency_match", {}, {}, {}, rule_status::pass, "order currency USD"},
        rule_case{
            "currency_fail",
            "currency_match",
            [](json::object& o) { o["refund"].as_object()["currency"] = "EUR"; },
            {},
            {},
            rule_status::fail,
            "refund currency EUR differs from order currency USD"},
        rule_case{
            "manual_amount_pass", "manual_review_amount", {}, {}, {}, rule_status::pass, "below"},
        rule_case{
            "manual_amount_fail_at_threshold",
            "manual_review_amount",
            both(set_amount("200"), [](json::object& o) { o["order"].as_object()["total"] = 300; }),
            {},
            {},
            rule_status::fail,
            "200.00 USD is at or above the manual review threshold 200.00 USD"},
        rule_case{
            "manual_amount_unknown_currency",
            "manual_review_amount",
            [](json::object& o) { o["order"].as_object()["currency"] = "EUR"; },
            {},
            {},
            rule_status::unknown,
            "differs from policy currency USD"},
        rule_case{
            "chargebacks_pass",
            "chargeback_history",
            {},
            {},
            {},
            rule_status::pass,
            "0 chargebacks"},
        rule_case{
            "chargebacks_fail",
            "chargeback_history",
            {},
            [](json::object& o) { o["customer_stats"].as_object()["chargeback_count_365d"] = 2; },
            {},
            rule_status::fail,
            "2 chargebacks in 365 days; review from 2"},
        rule_case{
            "chargebacks_unknown_without_dispute_source",
            "chargeback_history",
            {},
            [](json::object& o) { o["customer_stats"].as_object().erase("chargeback_count_365d"); },
            {},
            rule_status::unknown,
            "no dispute history available"},
        rule_case{
            "chargebacks_unknown",
            "chargeback_history",
            {},
            [](json::object& o) { o.erase("customer_stats"); },
            {},
            rule_status::unknown,
            "no customer history"},
        rule_case{
            "missing_no_claim",
            "missing_delivery_evidence",
            {},
            {},
            {},
            rule_status::pass,
            "no missing-parcel claim"},
        rule_case{
            "missing_fail",
            "missing_delivery_evidence",
            both(both(set_reason("Package never arrived"), set_amount("120")), no_evidence),
            {},
            {},
            rule_status::fail,
            "no carrier scan or photo evidence"},
        rule_case{
            "missing_small_amount",
            "missing_delivery_evidence",
            both(set_reason("Package never arrived"), no_evidence),
            {},
            {},
            rule_status::pass,
            "needs no evidence"},
        rule_case{
            "missing_with_scan",
            "missing_delivery_evidence",
            both(
                set_reason("never arrived"),
                [](json::object& o) {
                    o["refund"].as_object()["amount_requested"] = 120;
                    o["refund"].as_object()["evidence"] =
                        json::parse(R"([{"type": "carrier_scan"}])");
                }
            ),
            {},
            {},
            rule_status::pass,
            "evidence provided"},
        rule_case{
            "missing_not_delivered",
            "missing_delivery_evidence",
            both(set_reason("never arrived"), set_amount("120")),
            set_delivery("lost"),
            {},
            rule_status::pass,
            "carrier does not report delivery"},
        rule_case{
            "missing_unknown_currency",
            "missing_delivery_evidence",
            both(
                set_reason("never arrived"),
                [](json::object& o) { o["order"].as_object()["currency"] = "EUR"; }
            ),
            {},
            {},
            rule_status::unknown,
            "cannot compare the amount with the policy currency"},
        rule_case{
            "auto_amount_unknown_currency",
            "auto_approve_amount",
            [](json::object& o) { o["order"].as_object()["currency"] = "GBP"; },
            {},
            {},
            rule_status::unknown,
            "order currency differs from policy currency"},
        rule_case{
            "auto_amount_pass",
            "auto_approve_amount",
            {},
            {},
            {},
            rule_status::pass,
            "within the auto-approve limit 75.00 USD"},
        rule_case{
            "auto_amount_fail",
            "auto_approve_amount",
            set_amount("75.01"),
            {},
            {},
            rule_status::fail,
            "above"},
        rule_case{
            "auto_risk_pass",
            "auto_approve_risk",
            {},
            {},
            {},
            rule_status::pass,
            "risk 0.05 is within",
            0.05},
        rule_case{
            "auto_risk_fail",
            "auto_approve_risk",
            {},
            {},
            {},
            rule_status::fail,
            "risk 0.30 is above",
            0.30},
        rule_case{
            "subscription_none",
            "subscription_terms",
            {},
            {},
            {},
            rule_status::pass,
            "no subscription items"},
        rule_case{
            "subscription_review",
            "subscription_terms",
            set_item("subscription"),
            {},
            {},
            rule_status::fail,
            "only after human review"},
        rule_case{
            "subscription_allow",
            "subscription_terms",
            set_item("subscription"),
            {},
            [](json::object& o) { o["subscription"].as_object()["mode"] = "allow"; },
            rule_status::pass,
            "refundable under this policy"},
        rule_case{
            "digital_deny",
            "digital_terms",
            set_item("usage_based"),
            {},
            [](json::object& o) { o["digital"].as_object()["mode"] = "deny"; },
            rule_status::fail,
            "is not refundable"}
    ),
    [](const ::testing::TestParamInfo<rule_case>& p) { return p.param.name; }
);

TEST(policy_rules, partial_refunds_add_up_across_one_order) {
    const auto request = tests::make_request(set_amount("60"));
    const auto policy = tests::make_policy();
    const auto with_prior = [&](const char* prior) {
        const auto context =
            tests::make_context([&](json::object& o) { o["prior_refunds"] = json::parse(prior); });
        return evaluate(request, context, model::read_claims(request), policy, 0.05);
    };
    // 129.00 paid: 60 after 69 refunded fits exactly; after 69.01 it does not.
    EXPECT_FALSE(
        with_prior(R"([{"amount": 40}, {"amount": 29}])").failed("amount_within_refundable")
    );
    const auto over = with_prior(R"([{"amount": 40}, {"amount": "29.01", "status": "pending"}])");
    EXPECT_TRUE(over.failed("amount_within_refundable"));
    EXPECT_NE(
        over.find("amount_within_refundable")
            ->reason.find("(129.00 USD paid, 69.01 USD already refunded)"),
        std::string::npos
    );
    EXPECT_TRUE(over.hard_blocked());
    EXPECT_FALSE(
        with_prior(R"([{"amount": 100, "status": "failed"}])").failed("amount_within_refundable")
    ) << "a failed refund took no money back";
}

TEST(policy_rules, hard_blocks_and_policy_failures_are_told_apart) {
    const auto policy = tests::make_policy();
    const auto context = tests::make_context();
    auto request = tests::make_request(set_amount("80"));
    auto eval = evaluate(request, context, model::read_claims(request), policy, 0.05);
    EXPECT_FALSE(eval.hard_blocked());
    EXPECT_FALSE(eval.policy_failed()) << "only an auto-approve limit failed";
    request = tests::make_request(set_item("apparel", true));
    eval = evaluate(request, context, model::read_claims(request), policy, 0.05);
    EXPECT_TRUE(eval.hard_blocked());
    EXPECT_TRUE(eval.policy_failed());
}

TEST(parse_policy, accepts_the_shipped_example_equal_to_the_seed) {
    const auto p = tests::make_policy();
    EXPECT_EQ(p.policy_version, "2026.03.01");
    EXPECT_EQ(p.refund_window_days, 30);
    EXPECT_EQ(p.non_refundable_categories, (std::vector<std::string>{"gift_card", "final_sale"}));
    EXPECT_EQ(p.auto_approve_max_amount, 7500);
    EXPECT_DOUBLE_EQ(p.auto_approve_max_risk, 0.25);
    EXPECT_EQ(p.manual_review_min_amount, 20000);
    EXPECT_EQ(p.manual_review_min_chargebacks, 2);
    EXPECT_EQ(p.evidence_required_over_amount, 10000);
}

TEST(parse_policy, rejects_unknown_keys_and_bad_values_with_paths) {
    auto obj = tests::policy_json();
    obj["auto_approve"].as_object()["max_amont"] = 10;
    obj["auto_approve"].as_object()["max_risk_score"] = 2;
    obj["risk"].as_object()["weights"].as_object()["vibes"] = 0.5;
    obj["subscription"].as_object()["mode"] = "prorate";
    obj.erase("policy_version");
    const auto parsed = parse_policy(obj);
    EXPECT_EQ(
        parsed.errors,
        (std::vector<std::string>{
            "policy_version: required",
            "auto_approve.max_amont: unknown key",
            "auto_approve.max_risk_score: must be between 0 and 1, got 2",
            "subscription.mode: expected one of \"allow\", \"review_only\", \"deny\", got "
            "\"prorate\"",
            "risk.weights.vibes: unknown key",
        })
    );
}

TEST(parse_policy, refuses_an_auto_approve_limit_above_the_review_threshold) {
    auto obj = tests::policy_json();
    obj["auto_approve"].as_object()["max_amount"] = 250;
    EXPECT_EQ(
        parse_policy(obj).errors,
        std::vector<std::string>{"auto_approve.max_amount: must be below manual_review.min_amount"}
    );
}

}  // namespace
}  // namespace refundbot::pipeline::policy
