#include "pipeline/model/enriched_context.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::model {
namespace {

namespace json = boost::json;

// A replay is only faithful if the stored context reads back as the one decided on.
TEST(enriched_context, the_stored_json_reads_back_to_the_same_context) {
    auto c = tests::make_context([](json::object& o) {
        o["risk"] = json::parse(R"({"risk_score": 0.37, "signals": ["ip_mismatch"]})");
        o["prior_refunds"] = json::parse(
            R"([{"refund_id": "re_1", "amount": 12.34, "status": "pending",
                 "created_at": "2026-11-01T10:00:00Z"}])"
        );
        o["delivery"].as_object()["scans"] = json::parse(
            R"([{"status": "out_for_delivery", "at": "2026-02-13T07:00:00Z", "location": "Reno"}])"
        );
    });
    c.gaps.emplace_back("order lookup timed out after 3 s");
    const auto text = context_json(c, 2);
    const auto back = parse_enriched_context(json::parse(text), 2);
    ASSERT_TRUE(back.ok()) << text;
    const auto& b = *back.value;
    EXPECT_EQ(context_json(b, 2), text);
    EXPECT_EQ(b.stats.lifetime_spend, 61120);
    EXPECT_EQ(b.stats.chargeback_count_365d, std::optional<std::int64_t>(0));
    EXPECT_EQ(b.risk->risk_score, 0.37);
    EXPECT_EQ(b.already_refunded(), 1234);
    EXPECT_EQ(b.delivery.scans.at(0).location, "Reno");
    EXPECT_EQ(b.gaps, c.gaps);
}

TEST(enriched_context, an_empty_context_stays_empty) {
    const enriched_context none;
    const auto back = parse_enriched_context(json::parse(context_json(none, 0)), 0);
    ASSERT_TRUE(back.ok());
    EXPECT_FALSE(back.value->has_stats);
    EXPECT_FALSE(back.value->risk.has_value());
    EXPECT_EQ(back.value->delivery.status, "unknown");
}

}  // namespace
}  // namespace refundbot::pipeline::model
