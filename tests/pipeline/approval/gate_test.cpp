#include "pipeline/approval/gate.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::approval {
namespace {

namespace json = boost::json;
using model::verdict;

struct gate_fixture : ::testing::Test {
    policy::refund_policy policy = tests::make_policy();

    gate_result route_for(
        const tests::json_edit& request_edit,
        const tests::json_edit& context_edit,
        verdict v,
        double confidence = 0.9,
        const std::function<void(reasoning::guarded_decision&)>& adjust = {}
    ) {
        const auto r = tests::make_request(request_edit);
        const auto ctx = tests::make_context(context_edit);
        const auto claims = model::read_claims(r);
        const auto risk = risk::assess(r, ctx, claims, policy);
        const auto eval = policy::evaluate(r, ctx, claims, policy, risk.score);
        model::decision d;
        d.decision = v;
        d.confidence = confidence;
        d.category = "DAMAGED_ITEM";
        d.reasoning_summary = "A reasoner's recommendation for the test.";
        d.human_review_required = v != verdict::approve;
        reasoning::guarded_decision g;
        g.decision = d;
        if (adjust) {
            adjust(g);
        }
        return decide_route(eval, g, risk, policy);
    }
};

TEST_F(gate_fixture, auto_approves_only_a_clean_approval) {
    const auto g = route_for({}, {}, verdict::approve);
    EXPECT_EQ(g.route, route::auto_approve);
    EXPECT_TRUE(g.reasons.empty()) << ::testing::PrintToString(g.reasons);
}

TEST_F(gate_fixture, names_every_reason_for_manual_review) {
    const auto amount = [](std::string a, std::string total) {
        return [=](json::object& o) {
            o["refund"].as_object()["amount_requested"] = a;
            o["order"].as_object()["total"] = total;
        };
    };
    struct expectation {
        gate_result result;
        std::vector<std::string> reasons;
    };
    const std::vector<expectation> cases = {
        {route_for({}, {}, verdict::escalate), {"escalate"}},
        {route_for(amount("250", "300"), {}, verdict::approve),
         {"amount_threshold", "above_auto_approve_amount"}},
        {route_for(amount("80", "300"), {}, verdict::approve), {"above_auto_approve_amount"}},
        {route_for(
             {},
             [](json::object& o) { o["customer_stats"].as_object()["chargeback_count_365d"] = 3; },
             verdict::approve
         ),
         {"chargebacks", "risk"}},
        {route_for([](json::object& o) { o["trigger_risk_score"] = 0.4; }, {}, verdict::approve),
         {"risk"}},
        {route_for({}, {}, verdict::escalate, 0.5, [](auto& g) { g.low_confidence = true; }),
         {"escalate", "low_confidence"}},
        {route_for({}, {}, verdict::escalate, 0.9, [](auto& g) { g.policy_mismatch = true; }),
         {"escalate", "policy_mismatch"}},
        {route_for({}, {}, verdict::escalate, 0, [](auto& g) { g.rejected = true; }),
         {"reasoner_unavailable", "escalate"}},
        {route_for({}, {}, verdict::deny), {"reasoner_denied"}},
        {route_for(
             [](json::object& o) { o["created_at"] = "2026-04-30T00:00:00Z"; },
             {},
             verdict::escalate
         ),
         {"escalate", "rule_failed:within_refund_window"}},
        {route_for(
             [](json::object& o) { o["order"].as_object()["currency"] = "EUR"; },
             {},
             verdict::approve
         ),
         {"amount_not_comparable"}},
        {route_for(
             {}, {}, verdict::approve, 0.9, [](auto& g) { g.decision.human_review_required = true; }
         ),
         {"human_review_requested"}},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(cases[i].result.route, route::manual_review) << "case " << i;
        EXPECT_EQ(cases[i].result.reasons, cases[i].reasons) << "case " << i;
    }
}

TEST_F(gate_fixture, denies_only_from_hard_blocks_unless_auto_deny) {
    const auto blocked = route_for(
        [](json::object& o) {
            o["order"].as_object()["items"].as_array()[0].as_object()["final_sale"] = true;
        },
        {},
        verdict::approve
    );
    EXPECT_EQ(blocked.route, route::deny);
    EXPECT_EQ(blocked.reasons, std::vector<std::string>{"hard_block:final_sale"});

    EXPECT_EQ(route_for({}, {}, verdict::deny).route, route::manual_review);
    policy.auto_deny = true;
    EXPECT_EQ(route_for({}, {}, verdict::deny).route, route::deny);
}

}  // namespace
}  // namespace refundbot::pipeline::approval
