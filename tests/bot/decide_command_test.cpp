// `refundbot decide` as a user runs it: real binary, real files.
#include "tests/support/process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace refundbot {
namespace {

namespace json = boost::json;

std::string data(const std::string& name) {
    return std::string(REFUNDBOT_SOURCE_DIR) + "/tests/data/seed/" + name;
}
std::string policy() {
    return std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/policy.example.json";
}

std::pair<int, std::string> decide(std::vector<std::string> args) {
    args.insert(args.begin(), "decide");
    args.insert(args.end(), {"--policy", policy()});
    return tests::run_to_end(tests::refundbot_binary(), args);
}

TEST(refundbot_decide, prints_rules_risk_decision_and_route_for_the_seed_cases) {
    auto [code, out] =
        decide({"--request", data("case_a_request.json"), "--context", data("case_a_context.json")}
        );
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("within_refund_window        PASS"), std::string::npos) << out;
    EXPECT_NE(out.find("RISK 0.05"), std::string::npos) << out;
    EXPECT_NE(out.find("APPROVE  confidence 0.82  category NOT_AS_DESCRIBED"), std::string::npos)
        << out;
    EXPECT_NE(out.find("ROUTE AUTO_APPROVE"), std::string::npos) << out;

    std::tie(code, out) =
        decide({"--request", data("case_b_request.json"), "--context", data("case_b_context.json")}
        );
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("ROUTE MANUAL_REVIEW: escalate, amount_threshold"), std::string::npos)
        << out;

    std::tie(code, out) = decide({"--request", data("case_c_request.json")});
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("DECISION (policy; reasoner not called)"), std::string::npos) << out;
    EXPECT_NE(out.find("ROUTE DENY: hard_block:final_sale"), std::string::npos) << out;
}

TEST(refundbot_decide, prints_a_json_report) {
    const auto [code, out] = decide({"--request", data("case_c_request.json"), "--json"});
    ASSERT_EQ(code, 0) << out;
    const auto v = json::parse(out);
    EXPECT_EQ(v.at("route").as_string(), "DENY");
    EXPECT_TRUE(v.at("reasoner").is_null());
    EXPECT_EQ(v.at("decision").at("decision").as_string(), "DENY");
}

TEST(refundbot_decide, names_the_file_and_json_path_of_every_problem) {
    const auto bad = tests::write_temp_file("bad-request.json", R"({
        "request_id": "rf_x", "source": "zendesk", "customer": {"customer_id": "c"},
        "order": {"order_id": "o", "currency": "JPY", "total": 10.5,
                  "items": [{"sku": "a", "category": "x"}, {"sku": "b", "category": "y"}, {"sku": "c", "category": 3}]},
        "refund": {"amount_requested": 5, "reason_text": "late"},
        "created_at": "2026-03-28T12:03:00Z"})");
    const auto [code, out] = decide({"--request", bad});
    EXPECT_EQ(code, 2);
    EXPECT_NE(
        out.find(bad + ": order.total: amount 10.5 has 1 decimals; the currency allows 0"),
        std::string::npos
    ) << out;
    EXPECT_NE(
        out.find(bad + ": order.items[2].category: expected string, got number"), std::string::npos
    ) << out;
}

TEST(refundbot_decide, reports_unreadable_and_malformed_files) {
    auto [code, out] = decide({"--request", "/nonexistent/r.json"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("/nonexistent/r.json: cannot read the file"), std::string::npos) << out;

    const auto broken = tests::write_temp_file("broken.json", "{\"request_id\": ");
    std::tie(code, out) = decide({"--request", broken});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find(broken + ": (document): invalid JSON at offset"), std::string::npos) << out;
}

}  // namespace
}  // namespace refundbot
