// Customers answered on their Zendesk tickets, end to end: a running `refundbot serve`, a real
// PostgreSQL and the fake Zendesk API.
#include "adapters/crypto/crypto.hpp"
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
    std::unique_ptr<tests::service> svc;

    zendesk_env() {
        svc = std::make_unique<tests::service>(
            db.url(),
            tests::env_list{
                {"REFUNDBOT_INTAKE_SIGNING_SECRET", intake_secret},
                {"REFUNDBOT_ZENDESK_BASE_URL", zendesk.base_url()},
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

}  // namespace
}  // namespace refundbot
