// Refunds through Stripe end to end: a running `refundbot serve`, a real PostgreSQL, the fake
// Stripe API (and fake Slack where alerts matter). Webhooks are signed exactly as Stripe signs.
#include "adapters/http/url.hpp"
#include "adapters/stripe/signature.hpp"
#include "bot/handlers/slack_request.hpp"
#include "tests/support/dropping_proxy.hpp"
#include "tests/support/fake_slack.hpp"
#include "tests/support/fake_stripe.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/prometheus.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace refundbot {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* intake_secret = "whsec_stripe_intake";
constexpr const char* webhook_secret = "whsec_stripe_endpoint";
constexpr const char* slack_secret = "slack_signing_secret_for_stripe_tests";

const std::string slack_config = tests::write_temp_file(
    "stripe-slack.toml",
    R"(
[slack]
review_channel = "CREVIEW"
alerts_channel = "CALERTS"
post_interval_ms = 0

[[review.approvers]]
id = "UALICE"
max = { USD = "5000.00" }
)"
);

struct stripe_env {
    tests::scratch_database db;
    tests::fake_stripe stripe;
    std::unique_ptr<tests::fake_slack> slack;
    std::unique_ptr<tests::service> svc;

    // Between the service and Stripe, losing requests and answers when a test says so.
    tests::dropping_proxy network{tests::port_of(stripe.base_url())};

    explicit stripe_env(bool with_slack = false, tests::env_list extra = {}) {
        tests::env_list env = {
            {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret},
            {"REFUNDBOT_STRIPE_SECRET_KEY", "sk_test_refundbot"},
            {"REFUNDBOT_STRIPE_API_BASE_URL", network.base_url()},
            {"REFUNDBOT_STRIPE_WEBHOOK_SECRET", webhook_secret},
            {"REFUNDBOT_STRIPE_RETRY_BACKOFF_MS", "10"},
            {"REFUNDBOT_STRIPE_REQUEST_TIMEOUT_S", "1"},
        };
        if (with_slack) {
            slack = std::make_unique<tests::fake_slack>();
            env.insert(
                env.end(),
                {{"REFUNDBOT_CONFIG", slack_config},
                 {"REFUNDBOT_SLACK_BOT_TOKEN", "xoxb-test-token"},
                 {"REFUNDBOT_SLACK_SIGNING_SECRET", slack_secret},
                 {"REFUNDBOT_SLACK_API_BASE_URL", slack->api_url()}}
            );
        }
        env.insert(env.end(), extra.begin(), extra.end());
        svc = std::make_unique<tests::service>(db.url(), env);
    }

    void intake(const std::string& body) const {
        const auto r = tests::post_signed_request(svc->port, intake_secret, body);
        ASSERT_EQ(r.status, 202) << r.body;
    }

    [[nodiscard]] tests::http_reply webhook(
        const std::string& body, std::optional<std::string> header = std::nullopt
    ) const {
        return tests::http(
            svc->port,
            {.method = "POST",
             .target = "/webhooks/stripe",
             .body = body,
             .headers =
                 {{"Stripe-Signature",
                   header.value_or(
                       adapters::stripe::signature_header(webhook_secret, tests::unix_now(), body)
                   )}}}
        );
    }

    [[nodiscard]] std::string wait_for(
        const std::string& sql, const std::string& expected, std::chrono::seconds timeout = 20s
    ) const {
        return db.wait_for(sql, expected, timeout);
    }

    [[nodiscard]] std::string wait_state(const std::string& id, const std::string& state) const {
        return wait_for("SELECT state FROM requests WHERE request_id = '" + id + "'", state);
    }

    [[nodiscard]] std::string audit(const std::string& id) const {
        return db.query(
            "SELECT string_agg(event || coalesce('/' || error_code, '') || coalesce('/' || "
            "processor_status, ''), ' ' ORDER BY seq) FROM audit_log WHERE request_id = '" +
            id +
            "' AND event NOT IN ('REQUEST_RECEIVED', 'DECISION_MADE', 'AUTO_APPROVED', "
            "'SENT_TO_REVIEW')"
        );
    }

    // An approver's click on the review card's Approve button, signed as Slack signs it.
    void approve(const std::string& request_id) const {
        const json::object payload{
            {"type", "block_actions"},
            {"user", {{"id", "UALICE"}, {"username", "alice"}}},
            {"trigger_id", "1.2.approve"},
            {"response_url", slack->response_url("approve")},
            {"container", {{"type", "message"}, {"channel_id", "CREVIEW"}, {"message_ts", "x"}}},
            {"actions",
             json::array{json::object{
                 {"action_id", "refund_approve"},
                 {"block_id", "refund_" + request_id},
                 {"value", request_id},
                 {"type", "button"},
                 {"action_ts", std::to_string(tests::unix_now()) + ".1"}}}}};
        const auto body = "payload=" + adapters::http::form_escape(json::serialize(payload));
        const auto t = tests::unix_now();
        const auto r = tests::http(
            svc->port,
            {.method = "POST",
             .target = "/slack/interactions",
             .body = body,
             .headers =
                 {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"X-Slack-Request-Timestamp", std::to_string(t)},
                  {"X-Slack-Signature", bot::handlers::sign_slack_request(slack_secret, t, body)}}}
        );
        ASSERT_EQ(r.status, 200) << r.body;
    }

    [[nodiscard]] std::vector<std::string> slack_texts(const std::string& channel, std::size_t n)
        const {
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        std::vector<std::string> texts;
        while (std::chrono::steady_clock::now() < deadline) {
            texts.clear();
            for (const auto& c : slack->calls("chat.postMessage")) {
                if (c.body.at("channel").as_string() == channel) {
                    texts.push_back(json::serialize(c.body));
                }
            }
            if (texts.size() >= n) {
                break;
            }
            std::this_thread::sleep_for(50ms);
        }
        return texts;
    }
};

// Case A (29.00 USD, auto-approved) for order `ord_<payment>`, paid with `pi_<payment>`.
std::string case_a(
    const std::string& id,
    const std::string& payment,
    const std::string& amount = "29.00",
    const std::string& total = "29.00"
) {
    auto body =
        json::parse(tests::read_source_file("tests/data/seed/case_a_request.json")).as_object();
    body["request_id"] = id;
    auto& order = body["order"].as_object();
    order["total"] = json::parse(total);
    order["items"].as_array()[0].as_object()["price"] = json::parse(total);
    order["order_id"] = "ord_" + payment;
    order["payment"].as_object()["payment_intent_id"] = "pi_" + payment;
    body["refund"].as_object()["amount_requested"] = json::parse(amount);
    return json::serialize(body);
}

std::string event(const std::string& id, const std::string& type, json::object object) {
    return json::serialize(json::object{
        {"id", id},
        {"object", "event"},
        {"api_version", "2026-07-29.dahlia"},
        {"created", tests::unix_now()},
        {"type", type},
        {"livemode", false},
        {"data", {{"object", std::move(object)}}}});
}

TEST(stripe, case_a_executes_one_refund_with_the_right_key_amount_and_metadata) {
    stripe_env env;
    env.stripe.add_charge("1001", 2900);
    env.intake(case_a("rf_stripe_a", "1001"));
    ASSERT_EQ(env.wait_state("rf_stripe_a", "REFUNDED"), "REFUNDED");
    const auto refunds = env.stripe.refunds();
    ASSERT_EQ(refunds.size(), 1U);
    EXPECT_EQ(refunds[0].idempotency_key, "rf_stripe_a:refund");
    EXPECT_EQ(refunds[0].amount, 2900);
    EXPECT_EQ(refunds[0].payment_intent, "pi_1001");
    EXPECT_EQ(refunds[0].reason, "requested_by_customer");
    EXPECT_EQ(refunds[0].metadata.at("request_id"), "rf_stripe_a");
    EXPECT_EQ(refunds[0].metadata.at("review_id"), "auto");
    EXPECT_EQ(refunds[0].metadata.at("source"), "zendesk");
    EXPECT_EQ(
        env.db.query(
            "SELECT refund_id || ' ' || idempotency_key || ' ' || processor FROM audit_log WHERE "
            "request_id = 'rf_stripe_a' AND event = 'REFUND_EXECUTED'"
        ),
        refunds[0].id + " rf_stripe_a:refund stripe"
    );
    EXPECT_EQ(env.audit("rf_stripe_a"), "EXECUTION_STARTED REFUND_EXECUTED/succeeded");
    EXPECT_EQ(env.db.query("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%sk_test%'"), "0");
}

TEST(stripe, server_errors_and_a_lost_answer_still_give_exactly_one_refund) {
    stripe_env env;
    env.stripe.add_charge("2001", 2900);
    env.stripe.add_charge("2002", 2900);
    // Four 500s: the processor's three attempts fail, the job retries later with the same key.
    env.stripe.fail_next(4, 500);
    env.intake(case_a("rf_stripe_500", "2001"));
    ASSERT_EQ(env.wait_state("rf_stripe_500", "REFUNDED"), "REFUNDED");
    EXPECT_EQ(env.stripe.refunds().size(), 1U);
    EXPECT_EQ(env.stripe.refund_posts(), 5);

    // Stripe carries out the refund but the answer comes after the 1 s timeout.
    env.stripe.delay_next(1500ms);
    env.intake(case_a("rf_stripe_slow", "2002"));
    ASSERT_EQ(env.wait_state("rf_stripe_slow", "REFUNDED"), "REFUNDED");
    EXPECT_EQ(env.stripe.refunds().size(), 2U);
    EXPECT_EQ(env.stripe.refunded("2002"), 2900);
    for (const auto& req : env.stripe.received()) {
        if (req.method == "POST") {
            const auto key = std::string(req.header("idempotency-key").value_or(""));
            EXPECT_TRUE(key == "rf_stripe_500:refund" || key == "rf_stripe_slow:refund") << key;
        }
    }
    const auto metrics = tests::parse_exposition(tests::http_get(env.svc->port, "/metrics").body);
    EXPECT_EQ(
        metrics.samples.at(
            R"(refundbot_refund_attempts_total{processor="stripe",outcome="unknown"})"
        ),
        1
    );
    EXPECT_EQ(
        metrics.samples.at(
            R"(refundbot_refund_attempts_total{processor="stripe",outcome="succeeded"})"
        ),
        2
    );
}

// The network resets one request before it reaches Stripe and loses the answer to the next,
// which Stripe carried out: the retries reuse one idempotency key, so one refund exists.
TEST(stripe, connections_reset_before_and_after_stripe_acts_still_give_exactly_one_refund) {
    stripe_env env;
    env.stripe.add_charge("2101", 2900);
    env.network.drop_requests(1);
    env.network.drop_answers(1);
    env.intake(case_a("rf_stripe_reset", "2101"));
    ASSERT_EQ(env.wait_state("rf_stripe_reset", "REFUNDED"), "REFUNDED");
    EXPECT_EQ(env.network.resets(), 2);
    EXPECT_EQ(env.stripe.refunds().size(), 1U);
    EXPECT_EQ(env.stripe.refunded("2101"), 2900);
    EXPECT_GE(env.stripe.refund_posts(), 2) << "the lost answer's request reached Stripe";
    for (const auto& req : env.stripe.received()) {
        if (req.method == "POST") {
            EXPECT_EQ(req.header("idempotency-key").value_or(""), "rf_stripe_reset:refund");
        }
    }
    EXPECT_EQ(env.audit("rf_stripe_reset"), "EXECUTION_STARTED REFUND_EXECUTED/succeeded");
}

TEST(stripe, charge_already_refunded_is_terminal_recorded_and_alerted) {
    stripe_env env(true);
    env.stripe.add_charge("3001", 2900);
    (void)env.stripe.refund_in_dashboard("3001", 2900);
    env.intake(case_a("rf_stripe_done", "3001"));
    ASSERT_EQ(env.wait_state("rf_stripe_done", "EXECUTION_FAILED"), "EXECUTION_FAILED");
    EXPECT_EQ(env.stripe.refund_posts(), 1) << "a 400 is never retried";
    EXPECT_EQ(
        env.audit("rf_stripe_done"),
        "EXECUTION_STARTED EXECUTION_FAILED/charge_already_refunded/error"
    );
    EXPECT_EQ(
        env.db.query(
            "SELECT error_code || ': ' || error FROM executions WHERE request_id = 'rf_stripe_done'"
        ),
        "charge_already_refunded: Stripe 400 on POST /v1/refunds: Charge ch_3001 has already been "
        "refunded."
    );
    const auto alerts = env.slack_texts("CALERTS", 1);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_NE(
        alerts[0].find("rf_stripe_done failed at stripe: charge_already_refunded"),
        std::string::npos
    ) << alerts[0];
}

// Stripe answers 500 to everything: each job attempt makes its bounded HTTP attempts with one
// idempotency key, and after jobs.max_attempts the job is a dead letter that operations see.
TEST(stripe, a_refund_that_keeps_failing_becomes_a_dead_letter_and_is_alerted) {
    stripe_env env(true, {{"REFUNDBOT_JOBS_MAX_ATTEMPTS", "2"}});
    env.stripe.add_charge("3201", 2900);
    env.stripe.fail_next(1000, 500);
    env.intake(case_a("rf_stripe_dead", "3201"));
    const auto alerts = env.slack_texts("CALERTS", 1);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_NE(
        alerts[0].find("Job execute for rf_stripe_dead stopped after 2 attempts"), std::string::npos
    ) << alerts[0];
    EXPECT_EQ(
        env.db.query("SELECT state || ' ' || attempts FROM jobs WHERE kind = 'execute'"), "dead 2"
    );
    EXPECT_EQ(env.stripe.refund_posts(), 6) << "3 HTTP attempts in each of the 2 job attempts";
    EXPECT_TRUE(env.stripe.refunds().empty());
    for (const auto& req : env.stripe.received()) {
        if (req.method == "POST") {
            EXPECT_EQ(req.header("idempotency-key").value_or(""), "rf_stripe_dead:refund");
        }
    }
    const auto metrics = tests::parse_exposition(tests::http_get(env.svc->port, "/metrics").body);
    EXPECT_EQ(metrics.samples.at(R"(refundbot_jobs_dead_total{kind="execute"})"), 1);
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(env.stripe.refund_posts(), 6) << "a dead letter is not retried";
}

TEST(stripe, verify_refundable_asks_stripe_first_and_refuses_without_posting) {
    stripe_env env(false, {{"REFUNDBOT_STRIPE_VERIFY_REFUNDABLE", "true"}});
    env.stripe.add_charge("3101", 2900);
    (void)env.stripe.refund_in_dashboard("3101", 1000);  // no webhook told refundbot
    env.intake(case_a("rf_stripe_verify", "3101"));
    ASSERT_EQ(env.wait_state("rf_stripe_verify", "EXECUTION_FAILED"), "EXECUTION_FAILED");
    EXPECT_EQ(env.stripe.refund_posts(), 0);
    EXPECT_EQ(env.audit("rf_stripe_verify"), "EXECUTION_STARTED EXECUTION_FAILED/amount_too_large");
    EXPECT_EQ(
        env.db.query("SELECT error FROM executions WHERE request_id = 'rf_stripe_verify'"),
        "only 19.00 USD is still refundable at the processor"
    );
    bool asked = false;
    for (const auto& req : env.stripe.received()) {
        asked = asked || req.target == "/v1/payment_intents/pi_3101?expand%5B0%5D=latest_charge";
    }
    EXPECT_TRUE(asked);
}

TEST(stripe, partial_refunds_never_exceed_what_was_paid) {
    stripe_env env;
    env.stripe.add_charge("4001", 10000);
    for (const auto* id : {"rf_part_1", "rf_part_2", "rf_part_3"}) {
        env.intake(case_a(id, "4001", "40.00", "100.00"));
        const auto state = env.wait_for(
            std::string("SELECT state IN ('REFUNDED', 'DENIED', 'EXECUTION_FAILED', "
                        "'PENDING_REVIEW') FROM requests WHERE request_id = '") +
                id + "'",
            "t"
        );
        ASSERT_EQ(state, "t") << id;
    }
    EXPECT_EQ(env.db.query("SELECT count(*) FROM requests WHERE state = 'REFUNDED'"), "2");
    EXPECT_NE(
        env.db.query("SELECT state FROM requests WHERE request_id = 'rf_part_3'"), "REFUNDED"
    );
    EXPECT_EQ(env.stripe.refunded("4001"), 8000);
    EXPECT_EQ(env.stripe.refund_posts(), 2) << "the third was refused before reaching Stripe";

    // A refund made in the dashboard, reported by webhook, counts too.
    env.stripe.add_charge("4002", 10000);
    const auto outside = env.stripe.refund_in_dashboard("4002", 7000);
    ASSERT_EQ(
        env.webhook(event("evt_dash", "refund.created", tests::fake_stripe::to_json(outside)))
            .status,
        200
    );
    EXPECT_EQ(
        env.db.query("SELECT amount || ' ' || status FROM external_refunds"), "7000 succeeded"
    );
    env.intake(case_a("rf_part_4", "4002", "40.00", "100.00"));
    const auto fourth = env.wait_for(
        "SELECT state IN ('DENIED', 'EXECUTION_FAILED') FROM requests WHERE request_id = "
        "'rf_part_4'",
        "t"
    );
    EXPECT_EQ(fourth, "t");
    EXPECT_EQ(env.stripe.refunded("4002"), 7000);
}

TEST(stripe, a_pending_refund_failed_later_by_webhook_ends_execution_failed) {
    stripe_env env(true);
    env.stripe.add_charge("5001", 2900);
    env.stripe.pending_next(1);
    env.intake(case_a("rf_stripe_pend", "5001"));
    ASSERT_EQ(
        env.wait_for("SELECT state FROM executions WHERE request_id = 'rf_stripe_pend'", "pending"),
        "pending"
    );
    EXPECT_EQ(
        env.db.query("SELECT state FROM requests WHERE request_id = 'rf_stripe_pend'"), "EXECUTING"
    );
    const auto id = env.stripe.refunds().at(0).id;
    const auto failed = env.stripe.settle(id, "failed", "expired_or_canceled_card");
    const auto body = event("evt_fail_1", "refund.failed", failed);
    const auto r = env.webhook(body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(
        env.db.query("SELECT state FROM requests WHERE request_id = 'rf_stripe_pend'"),
        "EXECUTION_FAILED"
    );
    EXPECT_EQ(
        env.audit("rf_stripe_pend"),
        "EXECUTION_STARTED REFUND_PENDING/pending EXECUTION_FAILED/expired_or_canceled_card/failed"
    );
    // Redelivery changes nothing.
    const auto again = env.webhook(body);
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body.find("\"duplicate\":true"), std::string::npos) << again.body;
    const auto alerts = env.slack_texts("CALERTS", 1);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_NE(alerts[0].find("expired_or_canceled_card"), std::string::npos) << alerts[0];
}

TEST(stripe, reconciliation_settles_a_pending_refund_nobody_reported) {
    stripe_env env(
        false,
        {{"REFUNDBOT_STRIPE_RECONCILE_AFTER_S", "1"}, {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"}}
    );
    env.stripe.add_charge("6001", 2900);
    env.stripe.pending_next(1);
    env.intake(case_a("rf_stripe_rec", "6001"));
    ASSERT_EQ(
        env.wait_for("SELECT state FROM executions WHERE request_id = 'rf_stripe_rec'", "pending"),
        "pending"
    );
    (void)env.stripe.settle(env.stripe.refunds().at(0).id, "succeeded");
    EXPECT_EQ(env.wait_state("rf_stripe_rec", "REFUNDED"), "REFUNDED");
    EXPECT_EQ(env.stripe.refunds().size(), 1U);
    bool looked_up = false;
    for (const auto& req : env.stripe.received()) {
        looked_up = looked_up || (req.method == "GET" && req.path.starts_with("/v1/refunds/re_"));
    }
    EXPECT_TRUE(looked_up);
}

TEST(stripe, a_dispute_counts_for_the_customer_and_blocks_an_open_request) {
    stripe_env env(true);
    env.stripe.add_charge("7001", 35000);
    auto b =
        json::parse(tests::read_source_file("tests/data/seed/case_b_request.json")).as_object();
    b["request_id"] = "rf_stripe_disp";
    b["order"].as_object()["payment"].as_object()["payment_intent_id"] = "pi_7001";
    env.intake(json::serialize(b));
    ASSERT_EQ(env.wait_state("rf_stripe_disp", "PENDING_REVIEW"), "PENDING_REVIEW");
    ASSERT_EQ(env.wait_for("SELECT count(*) FROM slack_cards", "1"), "1");

    const json::object dispute{
        {"id", "dp_7001"},
        {"object", "dispute"},
        {"amount", 35000},
        {"currency", "usd"},
        {"charge", "ch_7001"},
        {"payment_intent", "pi_7001"},
        {"reason", "product_not_received"},
        {"status", "needs_response"}};
    const auto r = env.webhook(event("evt_disp_1", "charge.dispute.created", dispute));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(env.db.query("SELECT customer_id FROM chargebacks"), "cus_2002");
    EXPECT_EQ(env.audit("rf_stripe_disp"), "CHARGE_DISPUTED/product_not_received");
    const auto thread = env.slack_texts("CREVIEW", 2);
    ASSERT_EQ(thread.size(), 2U);
    EXPECT_NE(thread[1].find("thread_ts"), std::string::npos);
    EXPECT_NE(thread[1].find("disputed by the cardholder"), std::string::npos) << thread[1];
    EXPECT_EQ(env.slack_texts("CALERTS", 1).size(), 1U);

    // Approving it now refuses to refund a disputed charge, without asking Stripe.
    env.approve("rf_stripe_disp");
    ASSERT_EQ(env.wait_state("rf_stripe_disp", "EXECUTION_FAILED"), "EXECUTION_FAILED");
    EXPECT_EQ(env.stripe.refund_posts(), 0);
    EXPECT_NE(
        env.audit("rf_stripe_disp").find("EXECUTION_FAILED/charge_disputed"), std::string::npos
    ) << env.audit("rf_stripe_disp");

    // The customer's next request sees the chargeback in its risk signals.
    b["request_id"] = "rf_stripe_disp_2";
    b["order"].as_object()["order_id"] = "ord_7002";
    env.intake(json::serialize(b));
    EXPECT_NE(
        env.wait_for(
            "SELECT count(*) FROM decisions WHERE request_id = 'rf_stripe_disp_2' AND report::text "
            "LIKE '%1 chargebacks in 365 days%'",
            "1"
        ),
        "0"
    );
}

TEST(stripe, an_automatic_refund_over_the_daily_customer_cap_goes_to_review) {
    auto policy = json::parse(tests::read_source_file("deploy/policy.example.json")).as_object();
    policy["execution_caps"] =
        json::object{{"per_customer_daily", 50}, {"global_daily", "1000.00"}};
    const auto file = tests::write_temp_file("capped-policy.json", json::serialize(policy));
    stripe_env env(true, {{"REFUNDBOT_POLICY_FILE", file}});
    env.stripe.add_charge("8001", 2900);
    env.stripe.add_charge("8002", 2900);
    env.intake(case_a("rf_cap_1", "8001"));
    ASSERT_EQ(env.wait_state("rf_cap_1", "REFUNDED"), "REFUNDED");
    env.intake(case_a("rf_cap_2", "8002"));
    ASSERT_EQ(env.wait_state("rf_cap_2", "PENDING_REVIEW"), "PENDING_REVIEW");
    EXPECT_EQ(env.audit("rf_cap_2"), "EXECUTION_CAP_REACHED");
    EXPECT_EQ(env.stripe.refund_posts(), 1);
    const auto alerts = env.slack_texts("CALERTS", 1);
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_NE(
        alerts[0].find("would reach 58.00 USD, above the cap of 50.00 USD"), std::string::npos
    ) << alerts[0];
    ASSERT_EQ(
        env.wait_for("SELECT count(*) FROM slack_cards WHERE request_id = 'rf_cap_2'", "1"), "1"
    ) << "the held refund gets a review card";
    env.approve("rf_cap_2");
    EXPECT_EQ(env.wait_state("rf_cap_2", "REFUNDED"), "REFUNDED")
        << "a reviewer's approval executes";
    EXPECT_EQ(env.stripe.refunds().size(), 2U);
}

TEST(stripe, webhooks_need_a_valid_signature_and_unknown_types_are_ignored) {
    stripe_env env;
    const auto body = event("evt_sig", "customer.created", json::object{{"id", "cus_x"}});
    const auto ok = env.webhook(body);
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("\"ignored\":\"customer.created\""), std::string::npos) << ok.body;

    auto tampered = body;
    tampered.replace(tampered.find("cus_x"), 5, "cus_y");
    const auto bad = env.webhook(
        tampered, adapters::stripe::signature_header(webhook_secret, tests::unix_now(), body)
    );
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("signature_mismatch"), std::string::npos) << bad.body;

    const auto stale = env.webhook(
        body, adapters::stripe::signature_header(webhook_secret, tests::unix_now() - 301, body)
    );
    EXPECT_EQ(stale.status, 400);
    EXPECT_NE(stale.body.find("stale_timestamp"), std::string::npos) << stale.body;

    // During a secret roll Stripe signs with both; one matching v1 is enough.
    const auto t = tests::unix_now();
    const auto rolled = "t=" + std::to_string(t) +
                        ",v1=" + adapters::stripe::compute_signature("whsec_old", t, body) +
                        ",v1=" + adapters::stripe::compute_signature(webhook_secret, t, body);
    EXPECT_EQ(env.webhook(body, rolled).status, 200);

    const auto not_event = env.webhook(R"({"id":"evt_1","object":"charge"})");
    EXPECT_EQ(not_event.status, 400);
    EXPECT_NE(not_event.body.find("object: expected"), std::string::npos) << not_event.body;
    const auto no_object =
        env.webhook(event("evt_2", "refund.updated", json::object{{"id", "re_1"}}));
    EXPECT_EQ(no_object.status, 400);
    EXPECT_NE(no_object.body.find("not a Refund"), std::string::npos) << no_object.body;
    EXPECT_EQ(env.db.query("SELECT count(*) FROM payment_events"), "0");
}

}  // namespace
}  // namespace refundbot
