#include "pipeline/risk/risk.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::risk {
namespace {

namespace json = boost::json;

risk_assessment score(
    const tests::json_edit& request_edit, const tests::json_edit& context_edit = {}
) {
    const auto r = tests::make_request(request_edit);
    return assess(
        r, tests::make_context(context_edit), model::read_claims(r), tests::make_policy()
    );
}

const risk_signal* find(const risk_assessment& a, std::string_view name) {
    for (const auto& s : a.signals) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

TEST(risk, an_established_customer_scores_low_and_every_term_is_explained) {
    const auto a = score({});
    EXPECT_LT(a.score, 0.1);
    double sum = 0;
    for (const auto& s : a.signals) {
        EXPECT_DOUBLE_EQ(s.contribution, s.weight * s.value) << s.name;
        EXPECT_FALSE(s.detail.empty()) << s.name;
        sum += s.contribution;
    }
    EXPECT_DOUBLE_EQ(a.computed, sum);
    EXPECT_NEAR(find(a, "amount_ratio")->value, 49.0 / 129.0, 1e-12);
}

TEST(risk, each_signal_raises_the_score_by_its_weight) {
    const double base = score({}).score;
    const auto cb = score({}, [](json::object& o) {
        o["customer_stats"].as_object()["chargeback_count_365d"] = 2;
    });
    EXPECT_NEAR(cb.score - base, 0.35, 1e-9);
    EXPECT_EQ(find(cb, "chargebacks_365d")->detail, "2 chargebacks in 365 days");

    const auto threat = score([](json::object& o) {
        o["refund"].as_object()["reason_text"] =
            "Refund me or I will file a chargeback with my bank";
    });
    EXPECT_NEAR(threat.score - base, 0.25, 1e-9);

    const auto velocity =
        score({}, [](json::object& o) { o["customer_stats"].as_object()["requests_24h"] = 4; });
    EXPECT_NEAR(find(velocity, "velocity_24h")->value, 1.0, 1e-12);

    const auto mismatch = score([](json::object& o) {
        o["order"].as_object()["shipping_country"] = "DE";
        o["metadata"].as_object()["ip_country"] = "NG";
    });
    EXPECT_EQ(find(mismatch, "country_mismatch")->detail, "ip NG, shipping DE");
}

TEST(risk, high_risk_regions_come_from_the_policy) {
    const auto r = tests::make_request([](json::object& o) {
        o["metadata"].as_object()["ip_country"] = "XX";
    });
    const auto plain =
        assess(r, tests::make_context(), model::read_claims(r), tests::make_policy());
    EXPECT_EQ(find(plain, "high_risk_region"), nullptr);
    const auto listed = assess(
        r, tests::make_context(), model::read_claims(r), tests::make_policy([](json::object& o) {
            o["risk"].as_object()["high_risk_countries"] = json::array{"XX"};
        })
    );
    ASSERT_NE(find(listed, "high_risk_region"), nullptr);
    EXPECT_NEAR(listed.score - plain.score, 0.15, 1e-9);
}

TEST(risk, the_score_is_capped_at_one) {
    const auto a = score(
        [](json::object& o) {
            o["refund"].as_object()["reason_text"] = "chargeback! scam! damaged";
            o["refund"].as_object()["evidence"] = json::array();
        },
        [](json::object& o) {
            auto& s = o["customer_stats"].as_object();
            s["chargeback_count_365d"] = 9;
            s["refund_count_180d"] = 9;
            s["refund_amount_180d"] = 611.20;
            s["requests_24h"] = 9;
            s["lifetime_orders"] = 1;
        }
    );
    EXPECT_EQ(a.computed, 1.0);
    EXPECT_EQ(a.score, 1.0);
}

TEST(risk, keeps_an_external_score_and_uses_the_higher) {
    const auto radar = score([](json::object& o) { o["trigger_risk_score"] = 0.6; });
    EXPECT_EQ(radar.external, 0.6);
    EXPECT_EQ(radar.score, 0.6);
    EXPECT_LT(radar.computed, 0.1) << "both are kept";
    const auto low =
        score({}, [](json::object& o) { o["risk"] = json::parse(R"({"risk_score": 0.01})"); });
    EXPECT_EQ(low.external, 0.01);
    EXPECT_EQ(low.score, low.computed) << "a lower outside score never lowers ours";
}

}  // namespace
}  // namespace refundbot::pipeline::risk
