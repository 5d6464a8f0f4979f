#include "pipeline/quality/agreement.hpp"
#include "pipeline/quality/replay.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <gtest/gtest.h>

namespace refundbot::pipeline::quality {
namespace {

using model::verdict;

case_record record(
    verdict v, double confidence, human_outcome h, std::string category = "apparel"
) {
    case_record c;
    c.request_id = "rf_" + std::to_string(static_cast<int>(confidence * 100));
    c.category = std::move(category);
    c.amount_band = "0-50";
    c.source = "zendesk";
    c.verdict = v;
    c.confidence = confidence;
    c.human = h;
    c.bot_route =
        v == verdict::approve ? approval::route::auto_approve : approval::route::manual_review;
    return c;
}

TEST(agreement, escalations_are_abstentions_and_undecided_cases_are_not_compared) {
    agreement_tally t;
    t.add(record(verdict::approve, 0.95, human_outcome::approve));
    t.add(record(verdict::approve, 0.91, human_outcome::deny));
    t.add(record(verdict::deny, 1.0, human_outcome::deny));
    t.add(record(verdict::escalate, 0.5, human_outcome::approve));
    t.add(record(verdict::approve, 0.75, human_outcome::other));
    t.add(record(verdict::approve, 0.65, human_outcome::none));
    const auto r = t.finish({0.5, 2});
    EXPECT_EQ(r.overall.cases, 6);
    EXPECT_EQ(r.overall.compared, 3);
    EXPECT_EQ(r.overall.agreed, 2);
    EXPECT_EQ(r.overall.abstained, 1);
    EXPECT_EQ(r.overall.would_auto_approve, 4);
    ASSERT_EQ(r.disagreements.size(), 1U);
    EXPECT_EQ(r.disagreements[0].human, human_outcome::deny);
    // 0.95, 0.91 and 1.0 (the closed top bucket) in [0.9, 1.0]; nothing else compared.
    EXPECT_EQ(bucket_label(r.calibration.back()), "0.9-1.0");
    EXPECT_EQ(r.calibration.back().compared, 3);
    EXPECT_EQ(r.calibration.back().agreed, 2);
    EXPECT_EQ(format_rate(2, 3), "66.7% of 3");
}

TEST(agreement, a_segment_is_recommended_only_above_the_floor_and_the_minimum) {
    agreement_tally t;
    for (int i = 0; i < 10; ++i) {
        t.add(record(verdict::approve, 0.9, human_outcome::approve, "apparel"));
        t.add(record(
            verdict::approve, 0.9, i < 8 ? human_outcome::approve : human_outcome::deny, "home"
        ));
    }
    t.add(record(verdict::approve, 0.9, human_outcome::approve, "toys"));
    const auto r = t.finish({0.95, 5});
    ASSERT_EQ(r.segments.size(), 3U);
    EXPECT_TRUE(r.segments[0].recommended);   // apparel: 10 of 10
    EXPECT_FALSE(r.segments[1].recommended);  // home: 8 of 10
    EXPECT_FALSE(r.segments[2].recommended);  // toys: 1 case
}

TEST(replay_tally, counts_route_changes_with_amounts_per_currency_and_their_drivers) {
    reasoning::offline_reasoner rules;
    const auto strict = tests::make_policy([](boost::json::object& p) {
        p["auto_approve"].as_object()["max_amount"] = 40;
    });
    recorded_case usd{
        tests::make_request(),
        tests::make_context(),
        "2026-11-02",
        "v1",
        approval::route::auto_approve,
        {},
        human_outcome::none,
        false};
    auto gbp = usd;
    gbp.request = tests::make_request([](boost::json::object& r) {
        r["request_id"] = "rf_gbp";
        r["order"].as_object()["currency"] = "GBP";
    });
    replay_tally t;
    for (const auto* c : {&usd, &gbp}) {
        t.add(*c, decide(c->request, c->context, strict, rules, tests::decision_contract()));
    }
    const auto r = t.finish({});
    EXPECT_EQ(r.changed, 2);
    const auto& moved =
        r.transitions.at({approval::route::auto_approve, approval::route::manual_review});
    EXPECT_EQ(moved.cases, 2);
    EXPECT_EQ(moved.amounts.at("USD"), 4900);
    EXPECT_EQ(moved.amounts.at("GBP"), 4900);
    EXPECT_EQ(r.drivers.at("+above_auto_approve_amount"), 1);
    EXPECT_EQ(r.extra_reviews.size(), 2U);
    EXPECT_EQ(r.review_load_by_day.at("2026-11-02").before, 0);
    EXPECT_EQ(r.review_load_by_day.at("2026-11-02").after, 2);
}

}  // namespace
}  // namespace refundbot::pipeline::quality
