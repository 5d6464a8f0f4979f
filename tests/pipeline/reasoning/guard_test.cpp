#include "pipeline/reasoning/guard.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::reasoning {
namespace {

namespace json = boost::json;
using model::verdict;

// What an LLM might send back: valid by default, edited per test.
json::object answer(const tests::json_edit& edit = {}) {
    auto o = json::parse(R"({
        "decision": "APPROVE",
        "confidence": 0.9,
        "category": "DAMAGED_ITEM",
        "reasoning_summary": "Damage claim with a photo, within the window.",
        "policy_alignment": [{"rule": "within_refund_window", "status": "PASS"}],
        "recommended_actions": [{"type": "OFFER_REPLACEMENT", "required": false}],
        "risk_notes": [],
        "human_review_required": false
    })")
                 .as_object();
    if (edit) {
        edit(o);
    }
    return o;
}

struct guard_fixture : ::testing::Test {
    policy::refund_policy policy = tests::make_policy();
    policy::policy_evaluation evaluation_for(const tests::json_edit& request_edit = {}) {
        const auto r = tests::make_request(request_edit);
        return policy::evaluate(r, tests::make_context(), model::read_claims(r), policy, 0.05);
    }
    guarded_decision run(const json::object& out, const policy::policy_evaluation& eval) {
        reasoner_output output;
        output.json = json::value(out);
        return guard(output, tests::decision_contract(), eval, policy);
    }
};

TEST_F(guard_fixture, passes_a_valid_in_policy_approval_unchanged) {
    const auto g = run(answer(), evaluation_for());
    EXPECT_FALSE(g.rejected);
    EXPECT_EQ(g.decision.decision, verdict::approve);
    EXPECT_TRUE(g.overrides.empty()) << ::testing::PrintToString(g.overrides);
    EXPECT_EQ(g.decision.policy_alignment.size(), policy::rule_ids().size())
        << "completed from the engine";
}

TEST_F(guard_fixture, rejects_schema_violations_with_paths) {
    const std::vector<std::pair<tests::json_edit, std::string>> cases = {
        {[](json::object& o) { o["extra"] = 1; }, ""},
        {[](json::object& o) { o["decision"] = "MAYBE"; }, "decision"},
        {[](json::object& o) { o["confidence"] = 1.5; }, "confidence"},
        {[](json::object& o) { o["reasoning_summary"] = "short"; }, "reasoning_summary"},
        {[](json::object& o) { o["category"] = "VIBES"; }, "category"},
        {[](json::object& o) { o.erase("human_review_required"); }, ""},
        {[](json::object& o) { o["policy_alignment"].as_array()[0].as_object()["status"] = "OK"; },
         "policy_alignment[0].status"},
    };
    for (const auto& [edit, path] : cases) {
        const auto g = run(answer(edit), evaluation_for());
        EXPECT_TRUE(g.rejected) << json::serialize(answer(edit));
        EXPECT_EQ(g.decision.decision, verdict::escalate);
        EXPECT_TRUE(g.decision.human_review_required);
        ASSERT_FALSE(g.schema_errors.empty());
        if (!path.empty()) {
            EXPECT_TRUE(g.schema_errors.front().starts_with(path + ":")) << g.schema_errors.front();
        }
    }
}

TEST_F(guard_fixture, rejects_missing_output_and_says_why) {
    reasoner_output output;
    output.error = "timeout after 20 s";
    const auto g = guard(output, tests::decision_contract(), evaluation_for(), policy);
    EXPECT_TRUE(g.rejected);
    EXPECT_EQ(
        g.overrides, std::vector<std::string>{"reasoner output rejected: timeout after 20 s"}
    );
}

TEST_F(guard_fixture, overwrites_alignment_with_the_engines_verdicts) {
    const auto eval =
        evaluation_for([](json::object& o) { o["created_at"] = "2026-04-30T00:00:00Z"; });
    const auto g =
        run(answer([](json::object& o) {
                o["decision"] = "ESCALATE";
                o["policy_alignment"] = json::parse(R"([
                {"rule": "within_refund_window", "status": "PASS"},
                {"rule": "vibes_check", "status": "PASS"}
            ])");
            }),
            eval);
    EXPECT_FALSE(g.rejected);
    const auto& a = g.decision.policy_alignment;
    const auto window = std::find_if(a.begin(), a.end(), [](const auto& r) {
        return r.rule == "within_refund_window";
    });
    ASSERT_NE(window, a.end());
    EXPECT_EQ(window->status, model::rule_status::fail);
    EXPECT_EQ(
        std::count_if(a.begin(), a.end(), [](const auto& r) { return r.rule == "vibes_check"; }), 0
    );
    EXPECT_EQ(
        g.overrides,
        (std::vector<std::string>{
            "rule within_refund_window is FAIL, not PASS",
            "dropped unknown rule \"vibes_check\" from policy_alignment"})
    );
    EXPECT_EQ(g.decision.risk_notes.size(), 2u) << "overrides are noted in risk_notes";
}

TEST_F(guard_fixture, turns_an_approval_against_a_failed_rule_into_escalate) {
    const auto eval =
        evaluation_for([](json::object& o) { o["created_at"] = "2026-04-30T00:00:00Z"; });
    const auto g = run(answer(), eval);
    EXPECT_EQ(g.decision.decision, verdict::escalate);
    EXPECT_TRUE(g.policy_mismatch);
    EXPECT_TRUE(g.decision.human_review_required);
    EXPECT_EQ(
        g.overrides.back(), "policy mismatch: APPROVE while within_refund_window FAIL; escalated"
    );
}

TEST_F(guard_fixture, an_auto_approve_limit_alone_is_not_a_policy_mismatch) {
    const auto g = run(answer(), evaluation_for([](json::object& o) {
                           o["refund"].as_object()["amount_requested"] = 80;
                       }));
    EXPECT_EQ(g.decision.decision, verdict::approve);
    EXPECT_FALSE(g.policy_mismatch);
}

TEST_F(guard_fixture, escalates_below_the_confidence_floor) {
    const auto g = run(answer([](json::object& o) { o["confidence"] = 0.69; }), evaluation_for());
    EXPECT_EQ(g.decision.decision, verdict::escalate);
    EXPECT_TRUE(g.low_confidence);
    EXPECT_EQ(
        g.overrides, std::vector<std::string>{"confidence below the policy floor; escalated"}
    );
}

TEST_F(guard_fixture, drops_actions_outside_the_allowlist) {
    const auto g =
        run(answer([](json::object& o) {
                o["recommended_actions"] = json::parse(R"([
                {"type": "ISSUE_REFUND_NOW", "required": true},
                {"type": "OFFER_STORE_CREDIT", "required": false}
            ])");
            }),
            evaluation_for());
    ASSERT_EQ(g.decision.recommended_actions.size(), 1u);
    EXPECT_EQ(g.decision.recommended_actions[0].type, "OFFER_STORE_CREDIT");
    EXPECT_EQ(
        g.overrides,
        std::vector<std::string>{"dropped action \"ISSUE_REFUND_NOW\" (not in the allowlist)"}
    );
}

TEST_F(guard_fixture, never_loosens_a_deny_or_escalate) {
    for (const char* word : {"DENY", "ESCALATE"}) {
        const auto g =
            run(answer([&](json::object& o) { o["decision"] = word; }), evaluation_for());
        EXPECT_EQ(model::to_string(g.decision.decision), word);
        EXPECT_TRUE(g.decision.human_review_required);
    }
}

}  // namespace
}  // namespace refundbot::pipeline::reasoning
