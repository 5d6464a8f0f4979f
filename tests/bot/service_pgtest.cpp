// The `refundbot` binary as an operator runs it: real process, real PostgreSQL, real signals.
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/prometheus.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace refundbot {
namespace {

using namespace std::chrono_literals;
using tests::service;
using tests::wait_for_readyz;

TEST(refundbot_serve, serves_health_readiness_and_prometheus_metrics) {
    tests::scratch_database db;
    service svc(db.url());
    EXPECT_EQ(tests::http_get(svc.port, "/healthz").body, R"({"status":"ok"})");
    const auto ready = tests::http_get(svc.port, "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    EXPECT_EQ(db.query("SELECT count(*) > 0 FROM schema_migrations"), "t")
        << "serve applied migrations";

    const auto metrics = tests::http_get(svc.port, "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const auto parsed = tests::parse_exposition(metrics.body);
    EXPECT_TRUE(parsed.problems.empty()) << ::testing::PrintToString(parsed.problems);
    EXPECT_EQ(
        parsed.samples.at(
            R"(refundbot_http_requests_total{method="GET",route="/readyz",status="200"})"
        ),
        1
    );
    EXPECT_GE(
        parsed.samples.at(R"(refundbot_http_request_duration_seconds_count{route="/healthz"})"), 1
    );
    EXPECT_EQ(parsed.samples.at(R"(refundbot_db_pool_connections{state="capacity"})"), 8);
    EXPECT_EQ(parsed.types.at("refundbot_build_info"), "gauge");

    svc.process->signal(SIGTERM);
    EXPECT_EQ(svc.process->wait(10s), 0) << svc.process->output();
    const auto log = svc.process->output();
    EXPECT_NE(log.find(R"("message":"request")"), std::string::npos)
        << "one access-log line per request";
    EXPECT_NE(log.find(R"("route":"/readyz","status":200)"), std::string::npos) << log;
}

TEST(refundbot_serve, sigterm_lets_an_in_flight_request_finish_then_exits_0) {
    tests::scratch_database db;
    service svc(db.url());
    tests::http_connection c(svc.port);
    // Half a request is in flight when the signal arrives.
    c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
    std::this_thread::sleep_for(100ms);
    svc.process->signal(SIGTERM);
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(svc.process->wait(0ms)) << "still draining";
    EXPECT_THROW(tests::http_get(svc.port, "/healthz"), std::exception) << "no new connections";
    c.write_raw("67890");
    const auto reply = c.read_reply();
    EXPECT_EQ(reply.status, 200);
    EXPECT_FALSE(reply.keep_alive);
    EXPECT_EQ(svc.process->wait(10s), 0) << svc.process->output();
}

TEST(refundbot_serve, readyz_follows_postgres_going_away_and_coming_back) {
    tests::scratch_database db;
    service svc(db.url(), {{"REFUNDBOT_DB_ACQUIRE_TIMEOUT_MS", "1000"}});
    ASSERT_EQ(tests::http_get(svc.port, "/readyz").status, 200);

    ASSERT_EQ(tests::control_test_cluster("stop"), 0);
    const auto down = wait_for_readyz(svc.port, 503, 10s);
    EXPECT_EQ(tests::http_get(svc.port, "/healthz").status, 200)
        << "liveness does not depend on the DB";
    ASSERT_EQ(tests::control_test_cluster("start"), 0);
    EXPECT_EQ(down.status, 503);
    EXPECT_NE(down.body.find("database unavailable"), std::string::npos) << down.body;

    const auto up = wait_for_readyz(svc.port, 200, 20s);
    EXPECT_EQ(up.status, 200) << up.body << "\n" << svc.process->output();
    svc.process->signal(SIGTERM);
    EXPECT_EQ(svc.process->wait(10s), 0);
}

TEST(refundbot_serve, is_not_ready_while_migrations_are_pending) {
    tests::scratch_database db;
    service svc(db.url(), {{"REFUNDBOT_DB_AUTO_MIGRATE", "false"}});
    auto r = tests::http_get(svc.port, "/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("not applied: 0001_foundation"), std::string::npos) << r.body;
    const auto [code, out] =
        tests::run_to_end(tests::refundbot_binary(), {"migrate"}, {{"REFUNDBOT_DB_URL", db.url()}});
    ASSERT_EQ(code, 0) << out;
    EXPECT_EQ(tests::http_get(svc.port, "/readyz").status, 200);
}

TEST(refundbot_serve, fails_with_1_when_the_port_is_taken) {
    tests::scratch_database db;
    service first(db.url());
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(),
        {"serve"},
        {{"REFUNDBOT_DB_URL", db.url()},
         {"REFUNDBOT_POLICY_FILE",
          std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/policy.example.json"},
         {"REFUNDBOT_HTTP_PORT", std::to_string(first.port)},
         {"REFUNDBOT_LOG_FORMAT", "json"}}
    );
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
}

TEST(refundbot_serve, fails_with_1_when_the_database_is_unreachable_at_start) {
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(),
        {"serve"},
        {{"REFUNDBOT_DB_URL", "postgresql://refundbot@127.0.0.1:1/none"},
         {"REFUNDBOT_POLICY_FILE",
          std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/policy.example.json"},
         {"REFUNDBOT_DB_PASSWORD", "hunter2"},
         {"REFUNDBOT_HTTP_PORT", std::to_string(tests::free_port())},
         {"REFUNDBOT_LOG_FORMAT", "json"}}
    );
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("migration failed"), std::string::npos) << out;
    EXPECT_EQ(out.find("hunter2"), std::string::npos) << "the password never reaches the log";
}

TEST(refundbot_cli, check_config_names_file_line_and_key_and_exits_2) {
    const auto path =
        tests::write_temp_file("cli-bad.toml", "[http]\nport = \"80a\"\n\n[db]\npool_size = 0\n");
    const auto [code, out] =
        tests::run_to_end(tests::refundbot_binary(), {"check-config", "--config", path});
    EXPECT_EQ(code, 2);
    EXPECT_NE(
        out.find(path + ":2 http.port: expected integer 1-65535, got \"80a\""), std::string::npos
    ) << out;
    EXPECT_NE(out.find(path + ":5 db.pool_size: expected integer 1-512, got 0"), std::string::npos)
        << out;
}

TEST(refundbot_cli, check_config_accepts_the_shipped_configs) {
    for (const char* file : {"/deploy/config.example.toml", "/deploy/sandbox.toml"}) {
        const auto [code, out] = tests::run_to_end(
            tests::refundbot_binary(),
            {"check-config", "--config", std::string(REFUNDBOT_SOURCE_DIR) + file}
        );
        EXPECT_EQ(code, 0) << file << ": " << out;
    }
}

TEST(refundbot_cli, usage_errors_exit_2_and_help_exits_0) {
    EXPECT_EQ(tests::run_to_end(tests::refundbot_binary(), {}).first, 2);
    EXPECT_EQ(tests::run_to_end(tests::refundbot_binary(), {"frobnicate"}).first, 2);
    EXPECT_EQ(tests::run_to_end(tests::refundbot_binary(), {"serve", "--no-such-flag"}).first, 2);
    for (const char* cmd : {"serve", "migrate", "check-config", "version"}) {
        const auto [code, out] = tests::run_to_end(tests::refundbot_binary(), {cmd, "--help"});
        EXPECT_EQ(code, 0) << cmd;
        EXPECT_NE(out.find("Usage"), std::string::npos) << out;
    }
    const auto [code, out] = tests::run_to_end(tests::refundbot_binary(), {"version"});
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(out.starts_with("refundbot 0.")) << out;
}

}  // namespace
}  // namespace refundbot
