// The Slack review loop end to end: a running `refundbot serve`, a real PostgreSQL and a fake
// Slack Web API on loopback. Clicks are signed exactly as Slack signs them.
#include "adapters/http/url.hpp"
#include "bot/handlers/slack_request.hpp"
#include "bot/handlers/webhook_signature.hpp"
#include "tests/support/fake_slack.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
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

constexpr const char* intake_secret = "whsec_slack_test";
constexpr const char* signing_secret = "slack_signing_secret_for_tests";

const std::string review_config = tests::write_temp_file(
    "slack-review.toml",
    R"(
[slack]
review_channel = "CREVIEW"
post_interval_ms = 0

[review]
four_eyes_over = { USD = "1000.00" }
confirm_over = { USD = "250.00" }
viewers = ["UVIEWER"]

[[review.approvers]]
id = "UALICE"
max = { USD = "5000.00" }

[[review.approvers]]
id = "UBOB"
max = { USD = "5000.00" }

[[review.approvers]]
id = "SJUNIORS"
max = { USD = "100.00" }
)"
);

struct slack_env {
    tests::scratch_database db;
    tests::fake_slack slack;
    std::unique_ptr<tests::service> svc;

    explicit slack_env(tests::env_list extra = {}) { start(std::move(extra)); }

    void start(tests::env_list extra = {}) {
        tests::env_list env = {
            {"REFUNDBOT_CONFIG", review_config},
            {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret},
            {"REFUNDBOT_SLACK_BOT_TOKEN", "xoxb-test-token"},
            {"REFUNDBOT_SLACK_SIGNING_SECRET", signing_secret},
            {"REFUNDBOT_SLACK_API_BASE_URL", slack.api_url()},
        };
        env.insert(env.end(), extra.begin(), extra.end());
        svc = std::make_unique<tests::service>(db.url(), env);
    }

    void intake(const std::string& body) const {
        const auto r = tests::post_signed_request(svc->port, intake_secret, body);
        ASSERT_TRUE(r.status == 202 || r.status == 200) << r.body;
    }

    [[nodiscard]] tests::http_reply slack_post(const std::string& target, const std::string& body)
        const {
        const auto t = tests::unix_now();
        return tests::http(
            svc->port,
            {.method = "POST",
             .target = target,
             .body = body,
             .headers =
                 {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"X-Slack-Request-Timestamp", std::to_string(t)},
                  {"X-Slack-Signature",
                   bot::handlers::sign_slack_request(signing_secret, t, body)}}}
        );
    }

    [[nodiscard]] tests::http_reply click(
        const std::string& user, const std::string& action, const std::string& request_id, int n = 1
    ) const {
        const json::object payload{
            {"type", "block_actions"},
            {"user", {{"id", user}, {"username", user}}},
            {"trigger_id", "1.2." + user + std::to_string(n)},
            {"response_url", slack.response_url(user + std::to_string(n))},
            {"container", {{"type", "message"}, {"channel_id", "CREVIEW"}, {"message_ts", "x"}}},
            {"actions",
             json::array{json::object{
                 {"action_id", "refund_" + action},
                 {"block_id", "refund_" + request_id},
                 {"value", request_id},
                 {"type", "button"},
                 {"action_ts", std::to_string(tests::unix_now()) + "." + std::to_string(n)}}}}};
        return slack_post(
            "/slack/interactions",
            "payload=" + adapters::http::form_escape(json::serialize(payload))
        );
    }

    [[nodiscard]] std::string wait_for(
        const std::string& sql, const std::string& expected, std::chrono::seconds timeout = 20s
    ) const {
        return db.wait_for(sql, expected, timeout);
    }

    [[nodiscard]] std::string state(const std::string& id) const {
        return db.query("SELECT state FROM requests WHERE request_id = '" + id + "'");
    }

    // Waits until the fake has seen `n` calls of `method`.
    [[nodiscard]] std::vector<tests::fake_slack::call> await_calls(
        const std::string& method, std::size_t n, std::chrono::seconds timeout = 20s
    ) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (slack.calls(method).size() < n && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
        }
        return slack.calls(method);
    }
};

std::string case_b(const std::string& id, const std::string& amount = "350.00") {
    auto body =
        json::parse(tests::read_source_file("tests/data/seed/case_b_request.json")).as_object();
    body["request_id"] = id;
    body["order"].as_object()["order_id"] = "ord_" + id;
    body["order"].as_object()["total"] = json::parse(amount);
    body["order"].as_object()["items"].as_array()[0].as_object()["price"] = json::parse(amount);
    body["refund"].as_object()["amount_requested"] = json::parse(amount);
    return json::serialize(body);
}

bool has_buttons(const json::object& message) {
    return json::serialize(message).find("\"actions\"") != std::string::npos;
}

TEST(slack, an_approvers_click_refunds_and_resolves_the_card_without_buttons) {
    slack_env env;
    env.intake(case_b("rf_slack_1"));
    const auto posted = env.await_calls("chat.postMessage", 1);
    ASSERT_EQ(posted.size(), 1U);
    EXPECT_EQ(posted[0].body.at("channel").as_string(), "CREVIEW");
    EXPECT_TRUE(has_buttons(posted[0].body));
    EXPECT_NE(json::serialize(posted[0].body).find("\"confirm\""), std::string::npos)
        << "350.00 USD is above confirm_over";
    ASSERT_EQ(
        env.wait_for("SELECT count(*) FROM slack_cards WHERE request_id = 'rf_slack_1'", "1"), "1"
    );

    const auto ack = env.click("UALICE", "approve", "rf_slack_1");
    EXPECT_EQ(ack.status, 200) << ack.body;
    EXPECT_EQ(
        env.wait_for("SELECT state FROM requests WHERE request_id = 'rf_slack_1'", "REFUNDED"),
        "REFUNDED"
    );
    EXPECT_EQ(env.db.query("SELECT count(*) FROM sandbox_refunds"), "1");
    const auto thread = env.await_calls("chat.postMessage", 2);
    ASSERT_GE(thread.size(), 2U);
    ASSERT_TRUE(thread[1].body.contains("thread_ts"));
    EXPECT_EQ(
        thread[1].body.at("thread_ts").as_string(), env.db.query("SELECT ts FROM slack_cards")
    );
    EXPECT_NE(json::serialize(thread[1].body).find("Refund id: sbre_"), std::string::npos)
        << json::serialize(thread[1].body);
    const auto updates = env.await_calls("chat.update", 2);
    ASSERT_GE(updates.size(), 2U);
    const auto& last = updates.back().body;
    EXPECT_FALSE(has_buttons(last));
    EXPECT_NE(json::serialize(last).find("Refunded"), std::string::npos);
    EXPECT_NE(json::serialize(last).find("<@UALICE>"), std::string::npos);
    EXPECT_EQ(
        env.db.query(
            "SELECT string_agg(event || '/' || actor, ' ' ORDER BY seq) FROM audit_log WHERE "
            "request_id = 'rf_slack_1' AND event IN ('REVIEW_APPROVED', 'REFUND_EXECUTED')"
        ),
        "REVIEW_APPROVED/human:UALICE REFUND_EXECUTED/system"
    );

    // A second click changes nothing and says who decided.
    EXPECT_EQ(env.click("UBOB", "deny", "rf_slack_1").status, 200);
    const auto replies = env.await_calls("response_url", 1);
    ASSERT_EQ(replies.size(), 1U);
    EXPECT_NE(
        json::serialize(replies[0].body).find("REVIEW_APPROVED by <@UALICE>"), std::string::npos
    ) << json::serialize(replies[0].body);
    EXPECT_EQ(env.state("rf_slack_1"), "REFUNDED");
    EXPECT_TRUE(env.slack.rejections().empty()) << env.slack.rejections().front();
}

TEST(slack, a_click_from_someone_without_authority_is_refused_and_audited) {
    slack_env env;
    env.slack.set_group_members("SJUNIORS", {"UJUNIOR"});
    env.intake(case_b("rf_slack_2"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    EXPECT_EQ(env.click("UMALLORY", "approve", "rf_slack_2").status, 200);
    EXPECT_EQ(env.click("UJUNIOR", "approve", "rf_slack_2", 2).status, 200);
    const auto replies = env.await_calls("response_url", 2);
    ASSERT_EQ(replies.size(), 2U);
    const auto all = json::serialize(replies[0].body) + json::serialize(replies[1].body);
    EXPECT_NE(all.find("not a configured refund approver"), std::string::npos) << all;
    EXPECT_NE(all.find("above your approval limit of 100.00 USD"), std::string::npos) << all;
    EXPECT_EQ(
        env.wait_for(
            "SELECT count(*) FROM audit_log WHERE request_id = 'rf_slack_2' AND event = "
            "'UNAUTHORIZED_ATTEMPT'",
            "2"
        ),
        "2"
    );
    EXPECT_EQ(env.state("rf_slack_2"), "PENDING_REVIEW");
}

TEST(slack, two_concurrent_approvals_execute_once) {
    slack_env env;
    env.intake(case_b("rf_slack_3"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    std::thread a([&] { (void)env.click("UALICE", "approve", "rf_slack_3"); });
    std::thread b([&] { (void)env.click("UBOB", "approve", "rf_slack_3"); });
    a.join();
    b.join();
    EXPECT_EQ(
        env.wait_for("SELECT state FROM requests WHERE request_id = 'rf_slack_3'", "REFUNDED"),
        "REFUNDED"
    );
    EXPECT_EQ(env.await_calls("response_url", 1).size(), 1U) << "the loser is told";
    EXPECT_EQ(env.db.query("SELECT count(*) FROM sandbox_refunds"), "1");
    EXPECT_EQ(env.db.query("SELECT count(*) FROM executions"), "1");
}

TEST(slack, above_four_eyes_two_different_approvers_are_needed) {
    slack_env env;
    env.intake(case_b("rf_slack_4", "1500.00"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    ASSERT_EQ(env.wait_for("SELECT count(*) FROM slack_cards", "1"), "1");
    EXPECT_EQ(env.click("UALICE", "approve", "rf_slack_4").status, 200);
    const auto updates = env.await_calls("chat.update", 1);
    ASSERT_EQ(updates.size(), 1U);
    EXPECT_NE(json::serialize(updates[0].body).find("1 of 2 approvals"), std::string::npos);
    EXPECT_EQ(env.state("rf_slack_4"), "PENDING_REVIEW");
    EXPECT_EQ(env.click("UALICE", "approve", "rf_slack_4", 2).status, 200);
    const auto replies = env.await_calls("response_url", 1);
    ASSERT_EQ(replies.size(), 1U);
    EXPECT_NE(json::serialize(replies[0].body).find("different approver"), std::string::npos);
    EXPECT_EQ(env.state("rf_slack_4"), "PENDING_REVIEW");
    EXPECT_EQ(env.click("UBOB", "approve", "rf_slack_4", 3).status, 200);
    EXPECT_EQ(
        env.wait_for("SELECT state FROM requests WHERE request_id = 'rf_slack_4'", "REFUNDED"),
        "REFUNDED"
    );
}

TEST(slack, deny_through_the_modal_records_the_reason) {
    slack_env env;
    env.intake(case_b("rf_slack_5"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    ASSERT_EQ(env.wait_for("SELECT count(*) FROM slack_cards", "1"), "1");
    EXPECT_EQ(env.click("UBOB", "deny", "rf_slack_5").status, 200);
    const auto views = env.await_calls("views.open", 1);
    ASSERT_EQ(views.size(), 1U);
    const auto& view = views[0].body.at("view").as_object();
    const auto submission = json::object{
        {"type", "view_submission"},
        {"user", {{"id", "UBOB"}}},
        {"view",
         {{"id", "V1"},
          {"callback_id", "refund_deny"},
          {"private_metadata", view.at("private_metadata")},
          {"state",
           {{"values",
             {{"deny_reason", {{"reason", {{"selected_option", {{"value", "suspected_fraud"}}}}}}},
              {"deny_note", {{"note", {{"value", "Third claim this month"}}}}}}}}}}}};
    const auto ack = env.slack_post(
        "/slack/interactions", "payload=" + adapters::http::form_escape(json::serialize(submission))
    );
    EXPECT_EQ(ack.status, 200) << ack.body;
    EXPECT_EQ(
        env.wait_for("SELECT state FROM requests WHERE request_id = 'rf_slack_5'", "DENIED"),
        "DENIED"
    );
    EXPECT_EQ(
        env.db.query("SELECT human_override FROM audit_log WHERE event = 'REVIEW_DENIED'"),
        "DENY:suspected_fraud"
    );
    EXPECT_EQ(env.db.query("SELECT note FROM review_notes"), "Third claim this month");
    const auto updates = env.await_calls("chat.update", 1);
    ASSERT_EQ(updates.size(), 1U);
    EXPECT_NE(json::serialize(updates[0].body).find("Suspected fraud"), std::string::npos);
    EXPECT_FALSE(has_buttons(updates[0].body));
}

TEST(slack, requested_evidence_then_new_evidence_posts_a_fresh_linked_card) {
    slack_env env;
    env.intake(case_b("rf_slack_6"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    ASSERT_EQ(env.wait_for("SELECT count(*) FROM slack_cards", "1"), "1");
    EXPECT_EQ(env.click("UALICE", "request_evidence", "rf_slack_6").status, 200);
    EXPECT_EQ(
        env.wait_for(
            "SELECT state FROM requests WHERE request_id = 'rf_slack_6'", "AWAITING_EVIDENCE"
        ),
        "AWAITING_EVIDENCE"
    );
    auto with_evidence = json::parse(case_b("rf_slack_6")).as_object();
    with_evidence["refund"].as_object()["evidence"] =
        json::array{json::object{{"type", "photo"}, {"url", "https://example.com/p.jpg"}}};
    const auto body = json::serialize(with_evidence);
    const auto r = tests::http(
        env.svc->port,
        {.method = "POST",
         .target = "/webhooks/requests",
         .body = body,
         .headers =
             {{"X-Refundbot-Event-Id", "evidence-1"},
              {"X-Refundbot-Signature",
               bot::handlers::sign_refundbot_request(intake_secret, tests::unix_now(), body)}}}
    );
    ASSERT_LT(r.status, 300) << r.body;
    EXPECT_EQ(
        env.wait_for("SELECT count(*) FROM slack_cards WHERE request_id = 'rf_slack_6'", "2"), "2"
    );
    const auto cards = env.slack.calls("chat.postMessage");
    std::size_t review_cards = 0;
    for (const auto& c : cards) {
        if (has_buttons(c.body)) {
            ++review_cards;
        }
    }
    EXPECT_EQ(review_cards, 2U);
    EXPECT_NE(json::serialize(cards.back().body).find("Earlier review"), std::string::npos);
}

TEST(slack, refund_audit_returns_the_trail_with_the_chain_check) {
    slack_env env;
    env.intake(case_b("rf_slack_7"));
    ASSERT_EQ(
        env.wait_for(
            "SELECT state FROM requests WHERE request_id = 'rf_slack_7'", "PENDING_REVIEW"
        ),
        "PENDING_REVIEW"
    );
    const auto body =
        "command=%2Frefund&text=audit+ord_rf_slack_7&user_id=UVIEWER&channel_id=C1&"
        "trigger_id=t1&response_url=" +
        adapters::http::form_escape(env.slack.response_url("cmd1"));
    const auto ack = env.slack_post("/slack/commands", body);
    EXPECT_EQ(ack.status, 200) << ack.body;
    const auto replies = env.await_calls("response_url", 1);
    ASSERT_EQ(replies.size(), 1U);
    const auto text = json::serialize(replies[0].body);
    EXPECT_NE(text.find("Audit trail: rf_slack_7"), std::string::npos) << text;
    EXPECT_NE(text.find("SENT_TO_REVIEW"), std::string::npos);
    EXPECT_NE(text.find("verified"), std::string::npos);
    EXPECT_EQ(replies[0].body.at("response_type").as_string(), "ephemeral");

    // Someone neither approver nor viewer learns nothing.
    const auto other =
        "command=%2Frefund&text=audit+rf_slack_7&user_id=UOTHER&trigger_id=t2&"
        "response_url=" +
        adapters::http::form_escape(env.slack.response_url("cmd2"));
    EXPECT_EQ(env.slack_post("/slack/commands", other).status, 200);
    const auto refused = env.await_calls("response_url", 2);
    ASSERT_EQ(refused.size(), 2U);
    EXPECT_EQ(json::serialize(refused[1].body).find("SENT_TO_REVIEW"), std::string::npos);
}

TEST(slack, unsigned_stale_or_malformed_requests_are_refused) {
    slack_env env;
    const auto body = std::string("payload=%7B%7D");
    const auto unsigned_reply = tests::http(
        env.svc->port,
        {.method = "POST", .target = "/slack/interactions", .body = body, .headers = {}}
    );
    EXPECT_EQ(unsigned_reply.status, 401);
    const auto t = tests::unix_now() - 600;
    const auto stale = tests::http(
        env.svc->port,
        {.method = "POST",
         .target = "/slack/interactions",
         .body = body,
         .headers =
             {{"X-Slack-Request-Timestamp", std::to_string(t)},
              {"X-Slack-Signature", bot::handlers::sign_slack_request(signing_secret, t, body)}}}
    );
    EXPECT_EQ(stale.status, 401);
    EXPECT_NE(stale.body.find("stale_timestamp"), std::string::npos);
    const auto no_user = env.slack_post("/slack/interactions", body);
    EXPECT_EQ(no_user.status, 400);
    EXPECT_NE(no_user.body.find("payload.user.id"), std::string::npos);
    EXPECT_EQ(env.click("UALICE", "approve", "rf_nope").status, 404);
    EXPECT_EQ(env.db.query("SELECT count(*) FROM jobs WHERE kind = 'slack_action'"), "0");
}

TEST(slack, a_waiting_review_is_reminded_then_escalated_once_each) {
    slack_env env(
        {{"REFUNDBOT_REVIEW_REMIND_AFTER_S", "1"},
         {"REFUNDBOT_REVIEW_ESCALATE_AFTER_S", "2"},
         {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"}}
    );
    env.intake(case_b("rf_slack_remind"));
    ASSERT_EQ(env.await_calls("chat.postMessage", 1).size(), 1U);
    const auto posts = env.await_calls("chat.postMessage", 3);
    ASSERT_EQ(posts.size(), 3U);
    const auto card_ts = env.db.query("SELECT ts FROM slack_cards");
    const auto reminder = json::serialize(posts[1].body);
    const auto escalation = json::serialize(posts[2].body);
    EXPECT_EQ(posts[1].body.at("thread_ts").as_string(), card_ts);
    EXPECT_NE(reminder.find("Reminder"), std::string::npos) << reminder;
    EXPECT_NE(reminder.find("<@UALICE>"), std::string::npos) << reminder;
    EXPECT_NE(escalation.find("Escalation"), std::string::npos) << escalation;
    // Each once: more sweeps add nothing.
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(env.slack.calls("chat.postMessage").size(), 3U);
    EXPECT_EQ(
        env.db.query("SELECT string_agg(event, ' ' ORDER BY seq) FROM audit_log WHERE request_id = "
                     "'rf_slack_remind' AND event IN ('REVIEW_REMINDER_SENT', 'REVIEW_ESCALATED')"),
        "REVIEW_REMINDER_SENT REVIEW_ESCALATED"
    );
}

TEST(slack, a_rate_limited_post_is_delayed_not_lost) {
    slack_env env;
    env.slack.throttle_posts(1, 1);
    env.intake(case_b("rf_slack_8"));
    const auto posted = env.await_calls("chat.postMessage", 1);
    ASSERT_EQ(posted.size(), 1U);
    EXPECT_EQ(env.slack.calls("throttled").size(), 1U);
    EXPECT_EQ(env.wait_for("SELECT count(*) FROM slack_cards", "1"), "1");
}

TEST(slack, an_invalid_bot_token_stops_start_up_with_a_clear_message) {
    tests::scratch_database db;
    tests::fake_slack slack("xoxb-the-real-one");
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(),
        {"serve"},
        {{"REFUNDBOT_CONFIG", review_config},
         {"REFUNDBOT_DB_URL", db.url()},
         {"REFUNDBOT_HTTP_PORT", std::to_string(tests::free_port())},
         {"REFUNDBOT_POLICY_FILE",
          std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/policy.example.json"},
         {"REFUNDBOT_SLACK_BOT_TOKEN", "xoxb-wrong"},
         {"REFUNDBOT_SLACK_SIGNING_SECRET", signing_secret},
         {"REFUNDBOT_SLACK_API_BASE_URL", slack.api_url()}}
    );
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("Slack rejected the bot token"), std::string::npos) << out;
    EXPECT_NE(out.find("invalid_auth"), std::string::npos) << out;
    EXPECT_EQ(out.find("xoxb-wrong"), std::string::npos) << "the token never reaches the log";
}

TEST(slack, the_daily_summary_posts_once_across_replicas_and_restarts) {
    const tests::env_list summary_env = {
        {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"}, {"REFUNDBOT_SLACK_SUMMARY_CHANNEL", "CSUMMARY"}};
    slack_env env(summary_env);
    env.intake(case_b("rf_slack_9"));
    tests::service replica(
        env.db.url(),
        {{"REFUNDBOT_CONFIG", review_config},
         {"REFUNDBOT_SLACK_BOT_TOKEN", "xoxb-test-token"},
         {"REFUNDBOT_SLACK_SIGNING_SECRET", signing_secret},
         {"REFUNDBOT_SLACK_API_BASE_URL", env.slack.api_url()},
         {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"},
         {"REFUNDBOT_SLACK_SUMMARY_CHANNEL", "CSUMMARY"}}
    );
    const auto summary_posts = [&] {
        std::size_t n = 0;
        for (const auto& c : env.slack.calls("chat.postMessage")) {
            n += c.body.at("channel") == "CSUMMARY" ? 1 : 0;
        }
        return n;
    };
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (summary_posts() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(100ms);
    }
    std::this_thread::sleep_for(3s);  // several sweeps by both replicas
    EXPECT_EQ(summary_posts(), 1U);
    // The shadow-mode block: agreement with people, segments ready to go live, calibration.
    for (const auto& c : env.slack.calls("chat.postMessage")) {
        if (c.body.at("channel") == "CSUMMARY") {
            const auto text = json::serialize(c.body);
            for (const auto* label :
                 {"*Bot and people agreed:*", "*Segments ready to go live", "*Calibration"}) {
                EXPECT_NE(text.find(label), std::string::npos) << label << "\n" << text;
            }
        }
    }
    EXPECT_EQ(
        env.db.query("SELECT count(*) FROM daily_summaries WHERE posted_at IS NOT NULL"), "1"
    );
    env.svc.reset();
    env.start(summary_env);
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(summary_posts(), 1U);
    // A day missed while the bot was down is posted once when it comes back: as if yesterday's
    // post never happened and the day before was the last one.
    env.db.query("DELETE FROM jobs WHERE kind = 'slack_summary'");
    env.db.query("DELETE FROM daily_summaries");
    env.db.query(
        "INSERT INTO daily_summaries (day, timezone, posted_at) SELECT day - 1, 'UTC', now() "
        "FROM (SELECT ((now() AT TIME ZONE 'UTC') - time '09:00')::date - 1 AS day) d"
    );
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(summary_posts(), 2U);
}

}  // namespace
}  // namespace refundbot
