// Customers answered on their Zendesk tickets, end to end: a running `refundbot serve`, a real
// PostgreSQL and the fake Zendesk API.
#include "adapters/crypto/crypto.hpp"
#include "pipeline/core/timestamp.hpp"
#include "tests/support/dropping_proxy.hpp"
#include "tests/support/fake_orders.hpp"
#include "tests/support/fake_zendesk.hpp"
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

constexpr const char* intake_secret = "whsec_zendesk_intake";

struct zendesk_env {
    tests::scratch_database db;
    tests::fake_zendesk zendesk{
        "Basic " + adapters::crypto::to_base64("agent@example.com/token:zd-test-token")};
    // Between the service and Zendesk, losing requests and answers when a test says so.
    tests::dropping_proxy network{tests::port_of(zendesk.base_url())};
    std::unique_ptr<tests::service> svc;

    zendesk_env() {
        svc = std::make_unique<tests::service>(
            db.url(),
            tests::env_list{
                {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret},
                {"REFUNDBOT_ZENDESK_BASE_URL", network.base_url()},
                {"REFUNDBOT_ZENDESK_EMAIL", "agent@example.com"},
                {"REFUNDBOT_ZENDESK_API_TOKEN", "zd-test-token"},
            }
        );
    }

    void intake(const std::string& body) const {
        const auto r = tests::post_signed_request(svc->port, intake_secret, body);
        ASSERT_EQ(r.status, 202) << r.body;
    }

    // Waits until ticket `id` holds `n` comments; returns the ticket.
    [[nodiscard]] tests::fake_zendesk::ticket await_comments(
        const std::string& id, std::size_t n, std::chrono::seconds timeout = 30s
    ) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (zendesk.get(id).comments.size() < n && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
        }
        return zendesk.get(id);
    }
};

std::string request(const std::string& seed, const std::string& id, const std::string& ticket) {
    auto body = json::parse(tests::read_source_file("tests/data/seed/" + seed)).as_object();
    body["request_id"] = id;
    body["source"] = "zendesk";
    body["ticket_id"] = ticket;
    body["order"].as_object()["order_id"] = "ord_" + id;
    return json::serialize(body);
}

TEST(zendesk, a_refund_is_told_once_on_the_ticket_with_a_note_and_merged_tags) {
    zendesk_env env;
    env.zendesk.add_ticket("1001", {"vip"});
    env.intake(request("case_a_request.json", "rf_zd_a", "ZD-1001"));
    const auto t = env.await_comments("1001", 2);
    ASSERT_EQ(t.comments.size(), 2U);
    EXPECT_TRUE(t.comments[0].is_public);
    EXPECT_NE(t.comments[0].body.find("we have refunded 29.00 USD"), std::string::npos)
        << t.comments[0].body;
    EXPECT_FALSE(t.comments[1].is_public);
    EXPECT_NE(t.comments[1].body.find("(refund sbre_"), std::string::npos) << t.comments[1].body;
    EXPECT_NE(t.comments[1].body.find("/refund audit rf_zd_a"), std::string::npos);
    EXPECT_EQ(t.tags.at(0), "vip");
    EXPECT_NE(std::find(t.tags.begin(), t.tags.end(), "refundbot_refunded"), t.tags.end());
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(env.zendesk.get("1001").comments.size(), 2U) << "nothing is posted twice";
    EXPECT_TRUE(env.zendesk.rejections().empty()) << env.zendesk.rejections().front();
}

TEST(zendesk, a_manual_review_tells_the_customer_without_internal_details) {
    zendesk_env env;
    env.zendesk.add_ticket("2002", {});
    env.intake(request("case_b_request.json", "rf_zd_b", "2002"));
    const auto t = env.await_comments("2002", 2);
    ASSERT_EQ(t.comments.size(), 2U);
    EXPECT_NE(t.comments[0].body.find("A member of our team is reviewing it"), std::string::npos);
    for (const auto* hidden : {"risk", "score", "policy", "rule", "AI"}) {
        EXPECT_EQ(t.comments[0].body.find(hidden), std::string::npos) << hidden;
    }
    EXPECT_NE(t.comments[1].body.find("waiting for a human review"), std::string::npos);
}

TEST(zendesk, an_outage_delays_the_reply_which_arrives_once) {
    zendesk_env env;
    env.zendesk.add_ticket("3003", {});
    env.zendesk.fail_next(6, 503);  // the first job attempt and more fail
    env.intake(request("case_a_request.json", "rf_zd_out", "3003"));
    ASSERT_EQ(
        env.db.wait_for("SELECT state FROM requests WHERE request_id = 'rf_zd_out'", "REFUNDED"),
        "REFUNDED"
    );
    EXPECT_NE(
        env.db.wait_for(
            "SELECT count(*) > 0 FROM jobs WHERE kind = 'helpdesk_update' AND attempts >= 2", "t"
        ),
        "f"
    );
    const auto t = env.await_comments("3003", 2, 40s);
    EXPECT_EQ(t.comments.size(), 2U);
    EXPECT_EQ(
        std::count_if(
            t.comments.begin(), t.comments.end(), [](const auto& c) { return c.is_public; }
        ),
        1
    );
}

// The answer to the first comment is lost after Zendesk stored it: the retry reads the ticket,
// finds the update's marker tag and does not comment twice.
TEST(zendesk, a_lost_answer_does_not_post_the_comment_twice) {
    zendesk_env env;
    env.zendesk.add_ticket("3103", {});
    env.network.drop_answers(1, 1);  // the GET passes, the PUT's answer is lost
    env.intake(request("case_a_request.json", "rf_zd_lost", "3103"));
    ASSERT_EQ(
        env.db.wait_for("SELECT state FROM requests WHERE request_id = 'rf_zd_lost'", "REFUNDED"),
        "REFUNDED"
    );
    const auto t = env.await_comments("3103", 2, 40s);
    std::this_thread::sleep_for(3s);  // a duplicate would come with the next retry
    EXPECT_EQ(env.zendesk.get("3103").comments.size(), 2U);
    EXPECT_EQ(env.network.resets(), 1);
    EXPECT_EQ(
        env.db.query("SELECT count(*) FROM jobs WHERE kind = 'helpdesk_update' AND attempts >= 2"),
        "1"
    ) << "the update whose answer was lost ran again";
}

constexpr const char* webhook_secret = "zd-webhook-signing-secret";

// Zendesk both ways: tickets arrive through the webhook, answers go back on the ticket; the
// shop's order system completes the order the ticket names.
struct trigger_env {
    tests::scratch_database db;
    tests::fake_zendesk zendesk{
        "Basic " + adapters::crypto::to_base64("agent@example.com/token:zd-test-token")};
    tests::fake_orders orders{"oms-token"};
    std::unique_ptr<tests::service> svc;

    trigger_env() {
        svc = std::make_unique<tests::service>(
            db.url(),
            tests::env_list{
                {"REFUNDBOT_ZENDESK_WEBHOOK_SECRET", webhook_secret},
                {"REFUNDBOT_ZENDESK_BASE_URL", zendesk.base_url()},
                {"REFUNDBOT_ZENDESK_EMAIL", "agent@example.com"},
                {"REFUNDBOT_ZENDESK_API_TOKEN", "zd-test-token"},
                {"REFUNDBOT_ENRICH_ORDER_LOOKUP_URL", orders.url()},
                {"REFUNDBOT_ENRICH_ORDER_LOOKUP_TOKEN", "oms-token"},
            }
        );
    }

    [[nodiscard]] tests::http_reply deliver(
        const std::string& body,
        const std::string& invocation,
        std::string timestamp = tests::zendesk_now(),
        std::string secret = webhook_secret
    ) const {
        tests::http_call spec{
            .method = "POST", .target = "/webhooks/zendesk", .body = body, .headers = {}};
        spec.headers = tests::zendesk_headers(secret, timestamp, body, invocation);
        return tests::http(svc->port, spec);
    }

    void add_order(const std::string& id, const std::string& amount) {
        const auto delivered =
            pipeline::core::format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now() - std::chrono::hours(72)
            ));
        orders.add(
            id,
            R"({"order": {"order_id": ")" + id + R"(", "currency": "USD", "total": ")" + amount +
                R"(", "items": [{"sku": "MUG-1", "category": "home", "price": ")" + amount +
                R"("}], "delivered_at": ")" + delivered +
                R"(", "payment": {"processor": "stripe", "payment_intent_id": "pi_)" + id +
                R"("}}, "context": {"customer_stats": {"chargeback_count_365d": 0}}})"
        );
    }

    [[nodiscard]] std::string state(const std::string& id) const {
        return db.query("SELECT state FROM requests WHERE request_id = '" + id + "'");
    }
};

std::map<std::string, std::string> ticket(
    const std::string& id, const std::string& order, const std::string& reason
) {
    return {
        {"ticket.id", id},
        {"ticket.requester.id", "9001"},
        {"ticket.requester.external_id", "cus_zd_" + id},
        {"ticket.requester.email", "customer@example.com"},
        {"ticket.ticket_field_360001000001", order},
        {"ticket.ticket_field_360001000002", "24.00"},
        {"ticket.ticket_field_360001000003", "USD"},
        {"ticket.ticket_field_option_title_360001000004", reason},
        {"ticket.description", "Hello, please help."},
    };
}

TEST(zendesk_trigger, a_signed_ticket_is_refunded_and_answered_once_on_the_ticket) {
    trigger_env env;
    env.zendesk.add_ticket("5005", {"vip", "refund_request"});
    env.add_order("ORD-5005", "24.00");
    const auto body = tests::render_zendesk_body(ticket("5005", "ORD-5005", "Changed my mind"));
    const auto reply = env.deliver(body, "inv-1");
    ASSERT_EQ(reply.status, 202) << reply.body;
    EXPECT_EQ(json::parse(reply.body).at("request_id"), "zendesk-5005");
    EXPECT_EQ(env.deliver(body, "inv-1").status, 200) << "Zendesk's retry of one invocation";

    EXPECT_EQ(env.db.wait_for("SELECT state FROM requests", "REFUNDED"), "REFUNDED")
        << env.svc->process->output();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (env.zendesk.get("5005").comments.size() < 2 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(500ms);
    const auto t = env.zendesk.get("5005");
    ASSERT_EQ(t.comments.size(), 2U);
    EXPECT_TRUE(t.comments[0].is_public);
    EXPECT_NE(t.comments[0].body.find("we have refunded 24.00 USD"), std::string::npos)
        << t.comments[0].body;
    EXPECT_FALSE(t.comments[1].is_public);
    EXPECT_EQ(t.tags.at(0), "vip");
    EXPECT_EQ(t.tags.at(1), "refund_request");
    EXPECT_NE(std::find(t.tags.begin(), t.tags.end(), "refundbot_refunded"), t.tags.end());
    EXPECT_EQ(env.db.query("SELECT count(*) FROM requests"), "1");
    EXPECT_EQ(
        env.db.query("SELECT customer_id || ' ' || order_total FROM requests"), "cus_zd_5005 2400"
    );
    EXPECT_EQ(
        env.db.query("SELECT count(*) FROM audit_log WHERE audit_log::text LIKE '%customer@%'"), "0"
    );
    EXPECT_TRUE(env.zendesk.rejections().empty());
    EXPECT_TRUE(env.orders.rejections().empty());
}

TEST(zendesk_trigger, a_ticket_update_with_a_new_attachment_is_evidence_and_decides_again) {
    trigger_env env;
    env.zendesk.add_ticket("6006", {});
    env.add_order("ORD-6006", "24.00");
    auto values = ticket("6006", "ORD-6006", "Damaged item");
    values["ticket.description"] = "The mug arrived damaged, the handle is cracked.";
    ASSERT_EQ(env.deliver(tests::render_zendesk_body(values), "inv-1").status, 202);
    ASSERT_EQ(env.db.wait_for("SELECT state FROM requests", "PENDING_REVIEW"), "PENDING_REVIEW")
        << "a damage claim without a photo goes to a human";
    // The reviewer's "Request evidence" click (tested end to end in slack_pgtest) does this.
    env.db.query("UPDATE requests SET state = 'AWAITING_EVIDENCE', version = version + 1");
    const auto again = env.deliver(tests::render_zendesk_body(values), "inv-2");
    EXPECT_EQ(again.status, 200) << "an update without attachments is not evidence";
    EXPECT_NE(again.body.find("ignored"), std::string::npos) << again.body;
    EXPECT_EQ(env.state("zendesk-6006"), "AWAITING_EVIDENCE");

    const std::vector<tests::zendesk_attachment> photo{
        {"https://acme.zendesk.com/attachments/token/x1/?name=crack.jpg", "crack.jpg"}};
    const auto with_photo = tests::render_zendesk_body(values, photo);
    const auto evidence = env.deliver(with_photo, "inv-3");
    EXPECT_EQ(evidence.status, 202) << evidence.body;
    EXPECT_EQ(env.db.wait_for("SELECT state FROM requests", "REFUNDED"), "REFUNDED")
        << env.svc->process->output();
    EXPECT_EQ(env.db.query("SELECT payload #>> '{refund,evidence,0,type}' FROM requests"), "photo");
    EXPECT_EQ(env.deliver(with_photo, "inv-4").status, 200)
        << "the same attachment again is no new evidence";
    EXPECT_EQ(env.db.query("SELECT count(*) FROM executions"), "1");
}

TEST(zendesk_trigger, bad_signatures_stale_timestamps_and_bad_bodies_store_nothing) {
    trigger_env env;
    const auto body = tests::render_zendesk_body(ticket("7007", "ORD-7007", "Changed my mind"));
    const auto wrong = env.deliver(body, "inv-1", tests::zendesk_now(), "another-secret");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_NE(wrong.body.find("invalid_signature"), std::string::npos) << wrong.body;
    const auto stale = env.deliver(body, "inv-2", "2021-03-25T05:09:27Z");
    EXPECT_EQ(stale.status, 401);
    EXPECT_NE(stale.body.find("stale_timestamp"), std::string::npos) << stale.body;
    auto values = ticket("7007", "", "Changed my mind");
    const auto unmapped = env.deliver(tests::render_zendesk_body(values), "inv-3");
    EXPECT_EQ(unmapped.status, 422);
    EXPECT_NE(unmapped.body.find("\"path\":\"ticket.order_id\""), std::string::npos)
        << unmapped.body;
    const auto garbage = env.deliver("{\"ticket\": ", "inv-4");
    EXPECT_EQ(garbage.status, 422) << garbage.body;
    EXPECT_EQ(env.db.query("SELECT count(*) FROM requests"), "0");
    EXPECT_EQ(env.db.query("SELECT count(*) FROM audit_log"), "0");
}

}  // namespace
}  // namespace refundbot
