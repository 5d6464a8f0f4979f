// A language model deciding inside a running `refundbot serve` against a real PostgreSQL, the
// model replaced at its HTTP boundary by a loopback OpenAI-compatible fake.
#include "adapters/postgres/review_store.hpp"
#include "tests/support/fake_llm.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/prometheus.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace refundbot {
namespace {

constexpr const char* secret = "whsec_llm_test_secret";

tests::env_list model_env(const tests::fake_llm& fake) {
    return {
        {"REFUNDBOT_INTAKE_SIGNING_SECRET", secret},
        {"REFUNDBOT_LLM_PROVIDER", "openai"},
        {"REFUNDBOT_LLM_BASE_URL", fake.base_url()},
        {"REFUNDBOT_LLM_MODEL", "gpt-4o-mini"},
        {"REFUNDBOT_LLM_API_KEY", "sk-test-e2e"},
        {"REFUNDBOT_LLM_INPUT_PRICE_PER_MTOK", "0.15"},
        {"REFUNDBOT_LLM_OUTPUT_PRICE_PER_MTOK", "0.60"},
        {"REFUNDBOT_LLM_MAX_ATTEMPTS", "1"},
    };
}

std::string case_a() {
    return tests::read_source_file("tests/data/seed/case_a_request.json");
}

double sample(std::uint16_t port, const std::string& series) {
    const auto e = tests::parse_exposition(tests::http_get(port, "/metrics").body);
    const auto it = e.samples.find(series);
    return it == e.samples.end() ? -1 : it->second;
}

TEST(llm, a_models_approval_refunds_case_a_and_the_call_is_stored_audited_and_counted) {
    tests::scratch_database db;
    tests::fake_llm fake(tests::fake_llm::dialect::openai, "sk-test-e2e", "gpt-4o-mini");
    tests::service svc(db.url(), model_env(fake));
    ASSERT_EQ(tests::post_signed_request(svc.port, secret, case_a()).status, 202);
    EXPECT_EQ(
        db.wait_for("SELECT state FROM requests WHERE request_id = 'rf_case_a'", "REFUNDED"),
        "REFUNDED"
    ) << svc.process->output();
    auto version = tests::read_source_file("templates/prompts/version.txt");
    version.erase(version.find_last_not_of('\n') + 1);
    EXPECT_EQ(
        db.query("SELECT provider || ' ' || model || ' ' || prompt_version || ' ' || outcome || "
                 "' ' || input_tokens || ' ' || output_tokens || ' ' || cost_microusd FROM "
                 "ai_calls WHERE request_id = 'rf_case_a'"),
        "openai gpt-4o-mini " + version + " ok 1200 150 270"
    );
    EXPECT_EQ(
        db.query("SELECT request_body FROM ai_calls WHERE request_id = 'rf_case_a'"),
        fake.requests().at(0)
    ) << "the exact request is stored for replays";
    EXPECT_EQ(
        db.query("SELECT actor || ' ' || ai_model || ' ' || prompt_version || ' ' || "
                 "ai_input_tokens || ' ' || ai_cost_microusd FROM audit_log WHERE request_id = "
                 "'rf_case_a' AND event = 'DECISION_MADE'"),
        "ai:openai gpt-4o-mini " + version + " 1200 270"
    );
    EXPECT_EQ(sample(svc.port, R"(refundbot_ai_calls_total{provider="openai",outcome="ok"})"), 1);
    EXPECT_DOUBLE_EQ(
        sample(svc.port, R"(refundbot_ai_cost_usd_total{provider="openai"})"), 0.00027
    );
    EXPECT_EQ(sample(svc.port, R"(refundbot_ai_circuit_open{provider="openai"})"), 0);
    EXPECT_TRUE(fake.rejections().empty()) << fake.rejections().front();

    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
}

TEST(llm, when_the_model_is_down_a_human_decides_and_is_told_why) {
    tests::scratch_database db;
    tests::fake_llm fake(tests::fake_llm::dialect::openai, "sk-test-e2e", "gpt-4o-mini");
    fake.set_default({.status = 500, .error_type = "server_error"});
    tests::service svc(db.url(), model_env(fake));
    ASSERT_EQ(tests::post_signed_request(svc.port, secret, case_a()).status, 202);
    EXPECT_EQ(
        db.wait_for("SELECT state FROM requests WHERE request_id = 'rf_case_a'", "PENDING_REVIEW"),
        "PENDING_REVIEW"
    ) << svc.process->output();
    const auto summary = db.query(
        "SELECT report #>> '{decision,reasoning_summary}' FROM decisions WHERE request_id = "
        "'rf_case_a'"
    );
    EXPECT_TRUE(summary.starts_with("AI unavailable: HTTP 500 server_error")) << summary;
    EXPECT_NE(summary.find("Rules reasoner: APPROVE"), std::string::npos) << summary;
    EXPECT_EQ(
        db.query("SELECT ai_unavailable LIKE 'AI unavailable: HTTP 500%' FROM audit_log WHERE "
                 "request_id = 'rf_case_a' AND event = 'DECISION_MADE'"),
        "t"
    );
    EXPECT_EQ(sample(svc.port, R"(refundbot_ai_unavailable_total{provider="openai"})"), 1);

    // The managers' daily summary counts the calls, the failures and the cost.
    pqxx::connection cx(db.url());
    const auto day = db.query("SELECT (now() AT TIME ZONE 'UTC')::date::text");
    const auto stats = adapters::postgres::stats_for_day(cx, day, "UTC");
    EXPECT_EQ(stats.ai_calls, 1);
    EXPECT_EQ(stats.ai_failed_calls, 1);
    EXPECT_EQ(stats.ai_unavailable, 1);
    EXPECT_EQ(
        sample(svc.port, R"(refundbot_ai_calls_total{provider="openai",outcome="failed"})"), 1
    );
}

}  // namespace
}  // namespace refundbot
