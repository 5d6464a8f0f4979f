// Sandbox mode end to end: `refundbot serve` with deploy/sandbox.toml against a real
// PostgreSQL, the sample traffic sent by deploy/send-samples.sh through the signed endpoints,
// and the review console driven in headless Chromium (console_browser.cjs, playwright-core).
#include "tests/support/http_client.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/prometheus.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace refundbot {
namespace {

namespace json = boost::json;

const std::string source_dir = REFUNDBOT_SOURCE_DIR;
constexpr const char* intake_secret = "sandbox-test-intake-secret";
constexpr const char* stripe_secret = "whsec_sandbox_test";

struct sandbox_env {
    tests::scratch_database db;
    tests::service svc{
        db.url(),
        {{"REFUNDBOT_CONFIG", source_dir + "/deploy/sandbox.toml"},
         {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret},
         {"REFUNDBOT_STRIPE_WEBHOOK_SECRET", stripe_secret},
         {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"}}};
    std::string base = "http://127.0.0.1:" + std::to_string(svc.port);

    std::pair<int, std::string> send_samples() const {
        return tests::run_to_end(
            "/bin/bash",
            {source_dir + "/deploy/send-samples.sh", base},
            {{"REFUNDBOT_DB_URL", db.url()},
             {"REFUNDBOT_INTAKE_SIGNING_SECRET_FILE",
              tests::write_temp_file("intake-secret", intake_secret)},
             {"REFUNDBOT_STRIPE_WEBHOOK_SECRET_FILE",
              tests::write_temp_file("stripe-secret", stripe_secret)}}
        );
    }
};

std::string slack_call(std::uint16_t port, const std::string& method, const std::string& auth) {
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/json; charset=utf-8"}};
    if (!auth.empty()) {
        headers.emplace_back("Authorization", auth);
    }
    return tests::http(
               port,
               {.method = "POST",
                .target = "/sandbox/slack/api/" + method,
                .body = R"({"channel":"C0SBXREVIEW","text":"hi"})",
                .headers = headers}
    )
        .body;
}

TEST(sandbox, the_sample_traffic_reaches_the_outcomes_listed_in_expected_tsv) {
    sandbox_env env;
    const auto [code, table] = env.send_samples();
    ASSERT_EQ(code, 0) << table << env.svc.process->output();
    for (const auto* id :
         {"rf_case_a",
          "rf_case_b",
          "rf_case_c",
          "rf_sbx_not_received",
          "rf_sbx_partial",
          "rf_sbx_injection",
          "rf_sbx_chargeback"}) {
        EXPECT_NE(table.find(id), std::string::npos) << table;
    }
    EXPECT_EQ(table.find("DIFFERS"), std::string::npos) << table;
    // Refunded once each, the partial one for USD 40 of 120, the duplicate delivery ignored.
    EXPECT_EQ(
        env.db.query("SELECT string_agg(request_id || ':' || amount, ',' ORDER BY request_id) "
                     "FROM executions WHERE state = 'succeeded'"),
        "rf_case_a:2900,rf_sbx_partial:4000,rf_sbx_prior:4500"
    );
    EXPECT_EQ(env.db.query("SELECT customer_id FROM chargebacks"), "cus_7007");
    // Every review card reached the sandbox Slack, in the review channel.
    EXPECT_EQ(
        env.db.wait_for(
            "SELECT count(*) FROM sandbox_slack_posts WHERE kind = 'message' AND channel = "
            "'C0SBXREVIEW' AND thread_ts IS NULL",
            "4"
        ),
        "4"
    );
    // The review backlog gauges the "reviews past SLA" alert reads (deploy/prometheus).
    double pending = -1;
    for (int i = 0; i < 100 && pending != 4; ++i) {
        const auto e = tests::parse_exposition(tests::http_get(env.svc.port, "/metrics").body);
        const auto it = e.samples.find("refundbot_reviews_pending");
        pending = it == e.samples.end() ? -1 : it->second;
        if (pending != 4) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    EXPECT_EQ(pending, 4);
    const auto e = tests::parse_exposition(tests::http_get(env.svc.port, "/metrics").body);
    EXPECT_GE(e.samples.at("refundbot_review_oldest_pending_seconds"), 0);
}

TEST(sandbox, the_sink_answers_in_slacks_wire_format_and_refuses_a_wrong_token) {
    sandbox_env env;
    EXPECT_EQ(
        slack_call(env.svc.port, "chat.postMessage", ""), R"({"ok":false,"error":"not_authed"})"
    );
    EXPECT_EQ(
        slack_call(env.svc.port, "chat.postMessage", "Bearer xoxb-guess"),
        R"({"ok":false,"error":"invalid_auth"})"
    );
    EXPECT_EQ(
        env.db.query("SELECT count(*) FROM sandbox_slack_posts WHERE body->>'text' = 'hi'"), "0"
    );
    // The console's page comes with a policy that lets nothing else load or run.
    const auto page = tests::http_get(env.svc.port, "/sandbox");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(
        page.headers.at("content-security-policy").find("default-src 'self'"), std::string::npos
    );
    const auto ws = json::parse(tests::http_get(env.svc.port, "/sandbox/api/workspace").body);
    EXPECT_EQ(ws.at("review_channel").as_string(), "C0SBXREVIEW");
    EXPECT_EQ(ws.at("users").as_array().size(), 4U);  // two approvers, a viewer, an outsider
}

TEST(sandbox, a_reviewer_approves_case_b_in_the_console_and_the_audit_trail_shows_it) {
    const char* modules = std::getenv("REFUNDBOT_TEST_NODE_MODULES");
    ASSERT_NE(
        modules, nullptr
    ) << "REFUNDBOT_TEST_NODE_MODULES must name a node_modules with playwright-core "
         "(tests/run.sh installs it from tests/bot/sandbox/package.json)";
    sandbox_env env;
    const auto [code, table] = env.send_samples();
    ASSERT_EQ(code, 0) << table;
    const auto screenshot = std::string(REFUNDBOT_BINARY_DIR) + "/review-console.png";
    const auto [status, out] = tests::run_to_end(
        "/usr/bin/env",
        {"node", source_dir + "/tests/bot/sandbox/console_browser.cjs", env.base, screenshot},
        {{"NODE_PATH", modules}}
    );
    ASSERT_EQ(status, 0) << out << env.svc.process->output();
    EXPECT_NE(out.find("case B's card is resolved: Refund rf_case_b: Refunded"), std::string::npos)
        << out;

    // What the clicks did, read from the database rather than the page.
    EXPECT_EQ(
        env.db.query("SELECT state FROM requests WHERE request_id = 'rf_case_b'"), "REFUNDED"
    );
    EXPECT_EQ(
        env.db.query("SELECT actor FROM audit_log WHERE request_id = 'rf_case_b' AND event = "
                     "'REVIEW_APPROVED'"),
        "human:U0SBXLEAD"
    );
    EXPECT_EQ(
        env.db.query("SELECT actor FROM audit_log WHERE request_id = 'rf_case_b' AND event = "
                     "'UNAUTHORIZED_ATTEMPT'"),
        "human:U0SBXOUT"
    );
    EXPECT_EQ(
        env.db.query("SELECT state FROM requests WHERE request_id = 'rf_sbx_not_received'"),
        "DENIED"
    );
    EXPECT_EQ(
        env.db.query("SELECT count(*) FROM sandbox_slack_posts WHERE kind = 'message' AND edits "
                     "> 0 AND body::text LIKE '%rf_case_b%'"),
        "1"
    );
}

}  // namespace
}  // namespace refundbot
