// The Zendesk ticket adapter against the fake Zendesk API on loopback.
#include "adapters/crypto/crypto.hpp"
#include "adapters/http/client.hpp"
#include "adapters/zendesk/tickets.hpp"
#include "tests/support/fake_zendesk.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::zendesk {
namespace {

using pipeline::ports::ticket_comment;

const std::string basic = "Basic " + crypto::to_base64("agent@example.com/token:zd-token");

zendesk_settings settings_for(const tests::fake_zendesk& fake) {
    zendesk_settings s;
    s.base_url = fake.base_url();
    s.email = "agent@example.com";
    s.api_token = pipeline::core::secret("zd-token");
    return s;
}

TEST(zendesk_ticket_number, accepts_plain_and_prefixed_numbers_only) {
    EXPECT_EQ(ticket_number("48213"), "48213");
    EXPECT_EQ(ticket_number("ZD-48213"), "48213");
    EXPECT_EQ(ticket_number("#7"), "7");
    EXPECT_FALSE(ticket_number("HD-2002"));
    EXPECT_FALSE(ticket_number(""));
    EXPECT_FALSE(ticket_number("12/../13"));
}

TEST(zendesk_tickets, replies_publicly_and_notes_internally_merging_tags_once) {
    tests::fake_zendesk fake(basic);
    fake.add_ticket("1001", {"vip", "refund"});
    http::client http;
    zendesk_tickets tickets(http, settings_for(fake));
    tickets.notify_customer({"ZD-1001", "refundbot_u1", "Your refund is on its way.", {"refundbot"}}
    );
    tickets.add_internal_note({"ZD-1001", "refundbot_u2", "Refunded by UALICE.", {"refundbot"}});
    // A retried job sends the same updates again: nothing new is posted.
    tickets.notify_customer({"ZD-1001", "refundbot_u1", "Your refund is on its way.", {"refundbot"}}
    );
    tickets.add_internal_note({"ZD-1001", "refundbot_u2", "Refunded by UALICE.", {"refundbot"}});
    const auto t = fake.get("1001");
    ASSERT_EQ(t.comments.size(), 2U);
    EXPECT_TRUE(t.comments[0].is_public);
    EXPECT_EQ(t.comments[0].body, "Your refund is on its way.");
    EXPECT_FALSE(t.comments[1].is_public);
    EXPECT_EQ(
        t.tags,
        (std::vector<std::string>{"vip", "refund", "refundbot", "refundbot_u1", "refundbot_u2"})
    );
    EXPECT_TRUE(fake.rejections().empty()) << fake.rejections().front();
}

TEST(zendesk_tickets, an_answer_lost_after_the_update_does_not_post_twice) {
    tests::fake_zendesk fake(basic);
    fake.add_ticket("7", {});
    http::client http;
    zendesk_tickets tickets(http, settings_for(fake));
    fake.lose_next_answer();
    EXPECT_THROW(tickets.notify_customer({"7", "refundbot_ux", "Hello", {}}), unavailable);
    tickets.notify_customer({"7", "refundbot_ux", "Hello", {}});  // the job's retry
    EXPECT_EQ(fake.get("7").comments.size(), 1U);
}

TEST(zendesk_tickets, outages_throw_for_a_retry_and_429_is_waited_out) {
    tests::fake_zendesk fake(basic);
    fake.add_ticket("8", {});
    http::client_settings quick;
    quick.backoff = std::chrono::milliseconds(10);
    http::client http(quick);
    zendesk_tickets tickets(http, settings_for(fake));
    fake.fail_next(1, 429);
    tickets.notify_customer({"8", "refundbot_ua", "One", {}});
    EXPECT_EQ(fake.get("8").comments.size(), 1U) << "Retry-After: 1 was honoured";

    fake.fail_next(10, 503);
    EXPECT_THROW(tickets.notify_customer({"8", "refundbot_ub", "Two", {}}), unavailable);
    EXPECT_EQ(fake.get("8").comments.size(), 1U);
    fake.fail_next(0, 503);
    tickets.notify_customer({"8", "refundbot_ub", "Two", {}});
    EXPECT_EQ(fake.get("8").comments.size(), 2U);
}

TEST(zendesk_tickets, uses_oauth_when_configured_and_drops_updates_for_missing_tickets) {
    tests::fake_zendesk fake("Bearer zd-oauth");
    fake.add_ticket("9", {});
    http::client http;
    auto s = settings_for(fake);
    s.oauth_token = pipeline::core::secret("zd-oauth");
    zendesk_tickets tickets(http, s);
    tickets.add_internal_note({"9", "refundbot_uo", "Note", {}});
    EXPECT_EQ(fake.get("9").comments.size(), 1U);
    EXPECT_NO_THROW(tickets.add_internal_note({"404", "refundbot_uo", "Note", {}}));
    EXPECT_THROW(
        tickets.add_internal_note({"HD-1", "refundbot_uo", "Note", {}}), std::invalid_argument
    );
}

}  // namespace
}  // namespace refundbot::adapters::zendesk
