// The seed case study's test cases A, B and C through the whole pure pipeline.
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline {
namespace {

namespace json = boost::json;

// Counts calls and passes them to the offline reasoner: proves when the reasoner is skipped.
class counting_reasoner final : public reasoning::reasoner {
public:
    int calls = 0;
    [[nodiscard]] std::string_view name() const override { return "rules"; }
    [[nodiscard]] reasoning::reasoner_output reason(const reasoning::reasoning_input& in) override {
        ++calls;
        return inner_.reason(in);
    }

private:
    reasoning::offline_reasoner inner_;
};

// A seed test case: amount, days since delivery, reason, risk.
struct seed_case {
    std::string amount;
    int delivered_days_ago;
    std::string reason;
    double risk;
    bool final_sale = false;
};

decision_outcome run(const seed_case& c, counting_reasoner& reasoner) {
    const auto request = tests::make_request([&](json::object& o) {
        auto& order = o["order"].as_object();
        order["total"] = c.amount;
        order["delivered_at"] = "2026-03-01T10:00:00Z";
        auto& item = order["items"].as_array()[0].as_object();
        item["price"] = c.amount;
        item["final_sale"] = c.final_sale;
        o["refund"].as_object()["amount_requested"] = c.amount;
        o["refund"].as_object()["reason_text"] = c.reason;
        o["refund"].as_object()["evidence"] = json::array();
        o["metadata"].as_object().erase("customer_message");
        o["created_at"] = core::format_rfc3339(
            *core::parse_rfc3339("2026-03-01T10:00:00Z") + std::chrono::days(c.delivered_days_ago)
        );
    });
    const auto context = tests::make_context([&](json::object& o) {
        o["delivery"].as_object()["delivered_at"] = "2026-03-01T10:00:00Z";
        o["risk"] = json::object{{"risk_score", c.risk}};
    });
    return decide(request, context, tests::make_policy(), reasoner, tests::decision_contract());
}

TEST(seed_cases, a_low_risk_in_policy_request_is_auto_approved) {
    counting_reasoner reasoner;
    const auto o = run({"29", 7, "Wrong size", 0.05}, reasoner);
    EXPECT_EQ(reasoner.calls, 1);
    EXPECT_EQ(o.guarded.decision.decision, model::verdict::approve);
    EXPECT_EQ(o.gate.route, approval::route::auto_approve)
        << ::testing::PrintToString(o.gate.reasons);
    EXPECT_DOUBLE_EQ(o.risk.score, 0.05);
}

TEST(seed_cases, a_high_amount_goes_to_manual_review_for_the_amount_threshold) {
    counting_reasoner reasoner;
    const auto o = run({"350", 10, "Not as described", 0.10}, reasoner);
    EXPECT_EQ(reasoner.calls, 1) << "the AI may approve; the policy threshold still applies";
    EXPECT_EQ(o.gate.route, approval::route::manual_review);
    const auto& r = o.gate.reasons;
    EXPECT_NE(std::find(r.begin(), r.end(), "amount_threshold"), r.end())
        << ::testing::PrintToString(r);
    EXPECT_TRUE(o.evaluation.failed("manual_review_amount"));
}

TEST(seed_cases, a_final_sale_item_is_denied_without_asking_the_reasoner) {
    counting_reasoner reasoner;
    const auto o = run({"40", 5, "Didn't like it", 0.05, true}, reasoner);
    EXPECT_EQ(reasoner.calls, 0);
    EXPECT_FALSE(o.reasoner_called);
    EXPECT_EQ(o.gate.route, approval::route::deny);
    EXPECT_EQ(o.gate.reasons, std::vector<std::string>{"hard_block:final_sale"});
    EXPECT_EQ(o.guarded.decision.decision, model::verdict::deny);
    EXPECT_NE(
        o.guarded.decision.reasoning_summary.find("item TSHIRT-001 was sold as final sale"),
        std::string::npos
    );
}

TEST(decision_outcome, serializes_a_complete_report) {
    counting_reasoner reasoner;
    const auto o = run({"29", 7, "Wrong size", 0.05}, reasoner);
    const auto v = json::parse(report_json(o));
    EXPECT_EQ(v.at("route").as_string(), "AUTO_APPROVE");
    EXPECT_EQ(v.at("policy_version").as_string(), "2026.03.01");
    EXPECT_EQ(v.at("rules").as_array().size(), policy::rule_ids().size());
    EXPECT_TRUE(tests::decision_contract().validate(v.at("decision")).empty())
        << json::serialize(v.at("decision"));
    EXPECT_EQ(v.at("reasoner").as_string(), "rules");
}

}  // namespace
}  // namespace refundbot::pipeline
