// The durable workflow end to end: signed intake -> decide job -> route -> execute job with the
// sandbox processor, against running `refundbot serve` processes and a real PostgreSQL.
#include "bot/handlers/webhook_signature.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

namespace refundbot {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* secret = "whsec_workflow_test_secret";

tests::http_reply post(std::uint16_t port, const std::string& body) {
    return tests::post_signed_request(port, secret, body);
}

std::string seed(const std::string& name) {
    return tests::read_source_file("tests/data/seed/" + name);
}

// Polls `sql` until it returns `expected` or `timeout` passes; returns the last value.
std::string wait_for(
    const tests::scratch_database& db,
    const std::string& sql,
    const std::string& expected,
    std::chrono::seconds timeout = 20s
) {
    return db.wait_for(sql, expected, timeout);
}

std::string state_of(const tests::scratch_database&, const std::string& id) {
    return "SELECT state FROM requests WHERE request_id = '" + id + "'";
}

std::string events_of(const tests::scratch_database& db, const std::string& id) {
    return db.query(
        "SELECT string_agg(event || '/' || actor, ' ' ORDER BY seq) FROM audit_log WHERE "
        "request_id = '" +
        id + "'"
    );
}

const tests::env_list service_env = {{"REFUNDBOT_INTAKE_SIGNING_SECRET", secret}};

TEST(workflow, the_seed_cases_end_refunded_in_review_and_denied) {
    tests::scratch_database db;
    tests::service svc(db.url(), service_env);
    for (const char* file : {"case_a_request.json", "case_b_request.json", "case_c_request.json"}) {
        EXPECT_EQ(post(svc.port, seed(file)).status, 202) << file;
    }
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_a"), "REFUNDED"), "REFUNDED")
        << svc.process->output();
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_b"), "PENDING_REVIEW"), "PENDING_REVIEW");
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_c"), "DENIED"), "DENIED");

    EXPECT_EQ(
        events_of(db, "rf_case_a"),
        "REQUEST_RECEIVED/system DECISION_MADE/ai:rules AUTO_APPROVED/system "
        "EXECUTION_STARTED/system "
        "REFUND_EXECUTED/system"
    );
    EXPECT_EQ(
        events_of(db, "rf_case_b"),
        "REQUEST_RECEIVED/system DECISION_MADE/ai:rules SENT_TO_REVIEW/system"
    );
    EXPECT_EQ(
        events_of(db, "rf_case_c"), "REQUEST_RECEIVED/system DECISION_MADE/system DENIED/system"
    ) << "the reasoner is not asked about a final-sale item";
    EXPECT_EQ(
        db.query("SELECT refund_id || ' ' || idempotency_key || ' ' || amount FROM executions "
                 "WHERE state = 'succeeded'"),
        db.query("SELECT refund_id FROM sandbox_refunds") + " rf_case_a:refund 2900"
    );
    EXPECT_EQ(
        db.query("SELECT route FROM decisions WHERE request_id = 'rf_case_b'"), "MANUAL_REVIEW"
    );
    EXPECT_EQ(
        db.query("SELECT report->'route_reasons' ? 'amount_threshold' FROM decisions WHERE "
                 "request_id = 'rf_case_b'"),
        "t"
    );
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
}

TEST(workflow, a_notification_starts_the_job_without_waiting_for_the_poll) {
    tests::scratch_database db;
    tests::env_list env = service_env;
    env.emplace_back("REFUNDBOT_JOBS_POLL_MS", "60000");  // only LISTEN/NOTIFY can wake a worker
    tests::service svc(db.url(), env);
    std::this_thread::sleep_for(500ms);  // workers idle, listener connected
    const auto begin = std::chrono::steady_clock::now();
    ASSERT_EQ(post(svc.port, seed("case_a_request.json")).status, 202);
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_a"), "REFUNDED", 10s), "REFUNDED");
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
    const auto metrics = tests::http_get(svc.port, "/metrics").body;
    EXPECT_NE(metrics.find(R"(refundbot_jobs_completed_total{kind="decide"} 1)"), std::string::npos)
        << metrics;
    EXPECT_NE(
        metrics.find(R"(refundbot_jobs_completed_total{kind="execute"} 1)"), std::string::npos
    ) << metrics;
}

TEST(workflow, ten_concurrent_redeliveries_refund_at_most_once) {
    tests::scratch_database db;
    tests::service svc(db.url(), service_env);
    const auto body = seed("case_a_request.json");
    std::vector<std::thread> senders;
    for (int i = 0; i < 10; ++i) {
        senders.emplace_back([&] { post(svc.port, body); });
    }
    for (auto& t : senders) {
        t.join();
    }
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_a"), "REFUNDED"), "REFUNDED");
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(db.query("SELECT count(*) FROM requests"), "1");
    EXPECT_EQ(db.query("SELECT count(*) FROM sandbox_refunds"), "1");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'REFUND_EXECUTED'"), "1");
}

TEST(workflow, a_crash_after_the_processor_call_completes_with_the_same_key_and_one_refund) {
    tests::scratch_database db;
    tests::env_list env = service_env;
    env.emplace_back("REFUNDBOT_JOBS_LEASE_S", "1");
    tests::env_list crashing = env;
    crashing.emplace_back("REFUNDBOT_FAULT_CRASH_AFTER_REFUND", "1");
    {
        tests::service doomed(db.url(), crashing);
        EXPECT_EQ(post(doomed.port, seed("case_a_request.json")).status, 202);
        const auto code = doomed.process->wait(20s);
        ASSERT_EQ(code, 86) << "the fault hook fired:\n" << doomed.process->output();
    }
    EXPECT_EQ(db.query("SELECT state FROM requests"), "EXECUTING");
    EXPECT_EQ(db.query("SELECT count(*) FROM sandbox_refunds"), "1") << "the processor was called";
    EXPECT_EQ(db.query("SELECT state FROM executions"), "started")
        << "its answer was never recorded";

    tests::service restarted(db.url(), env);
    EXPECT_EQ(wait_for(db, state_of(db, "rf_case_a"), "REFUNDED"), "REFUNDED")
        << restarted.process->output();
    EXPECT_EQ(db.query("SELECT count(*) FROM sandbox_refunds"), "1");
    EXPECT_EQ(
        db.query("SELECT e.refund_id = s.refund_id AND e.idempotency_key = s.idempotency_key FROM "
                 "executions e, sandbox_refunds s"),
        "t"
    );
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'REFUND_EXECUTED'"), "1");
}

TEST(workflow, evidence_for_a_waiting_request_sends_it_back_to_a_decision) {
    tests::scratch_database db;
    tests::service svc(db.url(), service_env);
    const auto damaged = [](bool photo) {
        return json::serialize(tests::request_json([photo](json::object& o) {
            o["refund"].as_object()["reason_text"] = "Arrived damaged, the glass is cracked";
            o["refund"].as_object()["evidence"] =
                photo
                    ? json::parse(R"([{"type": "photo", "url": "https://example.com/crack.jpg"}])")
                    : json::array();
        }));
    };
    ASSERT_EQ(post(svc.port, damaged(false)).status, 202);
    ASSERT_EQ(wait_for(db, state_of(db, "rf_01J0000000"), "PENDING_REVIEW"), "PENDING_REVIEW")
        << "a damage claim without a photo goes to a human";
    // The reviewer's "request evidence" click arrives with Slack (#5); its effect is this.
    db.query("UPDATE requests SET state = 'AWAITING_EVIDENCE', version = version + 1");

    const auto with_photo = damaged(true);
    const auto send_evidence = [&] {
        return tests::http(
            svc.port,
            {.method = "POST",
             .target = "/webhooks/requests",
             .body = with_photo,
             .headers =
                 {{"X-Refundbot-Signature",
                   bot::handlers::sign_refundbot_request(secret, tests::unix_now(), with_photo)},
                  {"X-Refundbot-Event-Id", "evidence-1"}}}
        );
    };
    const auto reply = send_evidence();
    EXPECT_EQ(reply.status, 202) << reply.body;
    EXPECT_EQ(wait_for(db, state_of(db, "rf_01J0000000"), "REFUNDED"), "REFUNDED")
        << svc.process->output();
    EXPECT_EQ(send_evidence().status, 200) << "the same evidence event again changes nothing";
    EXPECT_EQ(
        events_of(db, "rf_01J0000000"),
        "REQUEST_RECEIVED/system DECISION_MADE/ai:rules SENT_TO_REVIEW/system "
        "EVIDENCE_RECEIVED/system "
        "DECISION_MADE/ai:rules AUTO_APPROVED/system EXECUTION_STARTED/system "
        "REFUND_EXECUTED/system"
    );
    EXPECT_EQ(
        db.query("SELECT jsonb_array_length(payload #> '{refund,evidence}') FROM requests"), "1"
    );
}

TEST(workflow, two_processes_run_a_thousand_requests_each_job_once) {
    tests::scratch_database db;
    tests::service a(db.url(), service_env);
    tests::service b(db.url(), service_env);
    constexpr int total = 1000;
    std::vector<std::thread> senders;
    for (int s = 0; s < 4; ++s) {
        senders.emplace_back([&, s] {
            for (int i = s; i < total; i += 4) {
                const auto body = json::serialize(tests::request_json([i](json::object& o) {
                    o["request_id"] = "rf_load_" + std::to_string(i);
                    o["customer"].as_object()["customer_id"] = "cus_load_" + std::to_string(i);
                    o["order"].as_object()["order_id"] = "ord_load_" + std::to_string(i);
                    o["refund"].as_object()["amount_requested"] = 20;
                    o["refund"].as_object()["reason_text"] = "Wrong size";
                }));
                const auto reply = post(i % 2 == 0 ? a.port : b.port, body);
                if (reply.status != 202) {
                    ADD_FAILURE() << "request " << i << ": " << reply.status << " " << reply.body;
                }
            }
        });
    }
    for (auto& t : senders) {
        t.join();
    }
    EXPECT_EQ(
        wait_for(
            db,
            "SELECT count(*) FROM requests WHERE state = 'REFUNDED'",
            std::to_string(total),
            120s
        ),
        std::to_string(total)
    );
    EXPECT_EQ(
        db.query("SELECT count(*) FROM jobs WHERE state = 'done' AND kind IN ('decide', 'execute')"
        ),
        std::to_string(2 * total)
    );
    EXPECT_EQ(db.query("SELECT count(*) FROM jobs WHERE state = 'dead'"), "0");
    EXPECT_EQ(db.query("SELECT count(*) FROM sandbox_refunds"), std::to_string(total));
    EXPECT_EQ(
        db.query("SELECT count(*) FROM executions WHERE state = 'succeeded'"), std::to_string(total)
    );
    EXPECT_EQ(
        db.query("SELECT count(*) FROM (SELECT request_id FROM audit_log WHERE event IN "
                 "('DECISION_MADE', "
                 "'REFUND_EXECUTED') GROUP BY request_id, event HAVING count(*) > 1) twice"),
        "0"
    ) << "no decision or refund ran twice";
    EXPECT_EQ(
        db.query("SELECT count(*) FROM audit_log WHERE event = 'REFUND_EXECUTED'"),
        std::to_string(total)
    );
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace refundbot
