#include "pipeline/approval/autonomy.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::approval {
namespace {

namespace json = boost::json;
using policy::autonomy_mode;

policy::refund_policy with_autonomy(const char* mode, const char* autonomy) {
    return tests::make_policy([&](json::object& p) {
        p["mode"] = mode;
        p["autonomy"] = json::parse(autonomy);
    });
}

TEST(autonomy, bands_are_named_from_their_edges_and_hold_their_upper_edge) {
    const auto p = with_autonomy("live", R"({"amount_bands": [25, 100.5]})");
    EXPECT_EQ(
        policy::amount_band_names(p), (std::vector<std::string>{"0-25", "25-100.50", "100.50+"})
    );
    const auto at = [&](double amount) {
        return amount_band(
            tests::make_request([&](json::object& r) {
                r["refund"].as_object()["amount_requested"] = amount;
            }),
            p
        );
    };
    EXPECT_EQ(at(25), "0-25");
    EXPECT_EQ(at(25.01), "25-100.50");
    EXPECT_EQ(at(100.51), "100.50+");
}

TEST(autonomy, the_first_matching_segment_sets_the_mode_and_the_default_covers_the_rest) {
    const auto p = with_autonomy("shadow", R"({"amount_bands": [50], "segments": [
        {"name": "small-apparel", "categories": ["apparel"], "amount_bands": ["0-50"],
         "sources": ["zendesk"], "mode": "live"},
        {"name": "apparel", "categories": ["apparel"], "mode": "shadow"}]})");
    const auto small = match_segment(tests::make_request(), p);  // apparel, 49.00, zendesk
    EXPECT_EQ(small.segment, "small-apparel");
    EXPECT_EQ(small.mode, autonomy_mode::live);
    const auto other_source =
        match_segment(tests::make_request([](json::object& r) { r["source"] = "helpdesk"; }), p);
    EXPECT_EQ(other_source.segment, "apparel");
    EXPECT_EQ(other_source.mode, autonomy_mode::shadow);
    const auto electronics = match_segment(
        tests::make_request([](json::object& r) {
            r["order"].as_object()["items"].as_array()[0].as_object()["category"] = "electronics";
        }),
        p
    );
    EXPECT_EQ(electronics.segment, "");
    EXPECT_EQ(electronics.mode, autonomy_mode::shadow);
}

TEST(autonomy, a_request_in_another_currency_never_lands_in_a_banded_segment) {
    const auto p = with_autonomy("shadow", R"({"amount_bands": [50], "segments": [
        {"name": "small", "amount_bands": ["0-50"], "mode": "live"}]})");
    const auto m = match_segment(
        tests::make_request([](json::object& r) { r["order"].as_object()["currency"] = "EUR"; }), p
    );
    EXPECT_EQ(m.amount_band, "other_currency");
    EXPECT_EQ(m.mode, autonomy_mode::shadow);
}

TEST(autonomy, shadow_mode_sends_the_bots_own_route_to_a_person_and_keeps_it_on_record) {
    const auto p = with_autonomy("shadow", "{}");
    reasoning::offline_reasoner rules;
    const auto live = decide(
        tests::make_request(),
        tests::make_context(),
        tests::make_policy(),
        rules,
        tests::decision_contract()
    );
    ASSERT_EQ(live.gate.route, route::auto_approve);
    const auto shadow =
        decide(tests::make_request(), tests::make_context(), p, rules, tests::decision_contract());
    EXPECT_EQ(shadow.bot_route, route::auto_approve);
    EXPECT_EQ(shadow.gate.route, route::manual_review);
    EXPECT_EQ(shadow.gate.reasons, std::vector<std::string>{"shadow_mode"});
}

TEST(autonomy, bad_autonomy_settings_are_refused_with_their_path) {
    auto obj = tests::policy_json();
    obj["mode"] = "auto";
    obj["autonomy"] = json::parse(R"({"amount_bands": [50, 20], "segments": [
        {"name": "a", "amount_bands": ["0-5"], "mode": "live"}, {"name": "a", "mode": "live"},
        {"name": "b"}]})");
    const auto parsed = policy::parse_policy(obj);
    ASSERT_FALSE(parsed.ok());
    std::string all;
    for (const auto& e : parsed.errors) {
        all += e + "\n";
    }
    EXPECT_NE(all.find("mode: expected \"live\" or \"shadow\", got \"auto\""), std::string::npos)
        << all;
    EXPECT_NE(all.find("autonomy.amount_bands[1]: band edges must increase"), std::string::npos)
        << all;
    EXPECT_NE(
        all.find("autonomy.segments[0].amount_bands[0]: unknown band \"0-5\""), std::string::npos
    ) << all;
    EXPECT_NE(all.find("autonomy.segments[1].name: duplicate segment name a"), std::string::npos)
        << all;
    EXPECT_NE(all.find("autonomy.segments[2].mode: missing"), std::string::npos) << all;
}

}  // namespace
}  // namespace refundbot::pipeline::approval
