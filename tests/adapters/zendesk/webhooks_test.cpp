#include "adapters/zendesk/webhooks.hpp"
#include "pipeline/core/timestamp.hpp"
#include "tests/support/fake_zendesk.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::zendesk {
namespace {

using namespace std::chrono_literals;

const pipeline::core::secret test_secret("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==");

std::chrono::system_clock::time_point at(std::string_view text) {
    return *pipeline::core::parse_rfc3339(text);
}

TEST(zendesk_signature, the_documented_test_secret_verifies_the_reference_vector) {
    // ../shared/reference/apis.md Appendix A4: the static test secret, used as is.
    const std::string body = R"({"event":"ticket.updated","id":123})";
    const std::string ts = "2021-03-25T05:09:27Z";
    const std::string expected = "S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=";
    EXPECT_EQ(sign(test_secret.reveal(), ts, body), expected);
    EXPECT_TRUE(verify_signature(expected, ts, body, test_secret, at(ts) + 10s, 300s).ok);
}

TEST(zendesk_signature, refuses_missing_stale_and_wrong_signatures_with_a_reason) {
    const std::string body = R"({"event":"ticket.updated","id":123})";
    const std::string ts = "2021-03-25T05:09:27Z";
    const auto good = sign(test_secret.reveal(), ts, body);
    const auto check = [&](std::optional<std::string_view> sig,
                           std::optional<std::string_view> stamp,
                           std::string_view payload,
                           std::chrono::system_clock::time_point now) {
        return verify_signature(sig, stamp, payload, test_secret, now, 300s).error;
    };
    EXPECT_EQ(check(std::nullopt, ts, body, at(ts)), "missing_signature");
    EXPECT_EQ(check(good, std::nullopt, body, at(ts)), "missing_timestamp");
    EXPECT_EQ(check(good, "1616648967", body, at(ts)), "malformed_timestamp");
    EXPECT_EQ(check(good, ts, body, at(ts) + 301s), "stale_timestamp");
    EXPECT_EQ(check(good, ts, body, at(ts) - 301s), "stale_timestamp");
    EXPECT_EQ(check(good, ts, std::string(body) + " ", at(ts)), "invalid_signature");
    EXPECT_EQ(check(good, "2021-03-25T05:09:28Z", body, at(ts)), "invalid_signature")
        << "the timestamp is signed too";
    EXPECT_EQ(
        verify_signature(good, ts, body, pipeline::core::secret("other"), at(ts), 300s).error,
        "invalid_signature"
    );
}

const auto received =
    std::chrono::time_point_cast<std::chrono::milliseconds>(at("2026-11-20T10:00:00Z"));

std::map<std::string, std::string> ticket_values() {
    return {
        {"ticket.id", "48213"},
        {"ticket.created_at_with_timestamp", "2026-11-20T09:58:00Z"},
        {"ticket.requester.id", "9001"},
        {"ticket.requester.external_id", "cus_1842"},
        {"ticket.requester.email", "ana@example.com"},
        {"ticket.ticket_field_360001000001", "ORD-77001"},
        {"ticket.ticket_field_360001000002", "49.90"},
        {"ticket.ticket_field_360001000003", "eur"},
        {"ticket.ticket_field_option_title_360001000004", "Damaged item"},
        {"ticket.description", "The mug arrived \"broken\"\nin two pieces."},
    };
}

TEST(zendesk_ticket, the_shipped_template_becomes_a_partial_request_for_the_ticket) {
    const auto body = tests::render_zendesk_body(
        ticket_values(),
        {{"https://acme.zendesk.com/attachments/token/a1/?name=mug.JPG", "mug.JPG"},
         {"https://acme.zendesk.com/attachments/token/a2/?name=receipt.pdf", "receipt.pdf"},
         {"https://acme.zendesk.com/attachments/token/a1/?name=mug.JPG", "mug.JPG"}}
    );
    const auto parsed = parse_ticket(body, {}, received);
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front() << "\n" << body;
    const auto& r = *parsed.value;
    EXPECT_EQ(r.request_id, "zendesk-48213");
    EXPECT_EQ(r.source, "zendesk");
    EXPECT_EQ(r.ticket_id, "48213");
    EXPECT_EQ(r.customer.customer_id, "cus_1842");
    EXPECT_EQ(r.customer.email, "ana@example.com");
    EXPECT_EQ(r.order.order_id, "ORD-77001");
    EXPECT_FALSE(r.order.complete);
    EXPECT_EQ(r.order.currency, "EUR");
    EXPECT_EQ(r.refund.currency, "EUR");
    EXPECT_EQ(r.refund.amount_requested, 4990);
    EXPECT_EQ(r.refund.reason_text, "Damaged item. The mug arrived \"broken\"\nin two pieces.");
    EXPECT_EQ(pipeline::core::format_rfc3339(r.created_at), "2026-11-20T09:58:00Z");
    ASSERT_EQ(r.refund.evidence.size(), 2U) << "the same file twice is one piece of evidence";
    EXPECT_EQ(r.refund.evidence[0].type, "photo");
    EXPECT_EQ(r.refund.evidence[1].type, "receipt");
}

TEST(zendesk_ticket, a_requester_without_external_id_is_named_by_zendesk_user_id) {
    auto values = ticket_values();
    values.erase("ticket.requester.external_id");
    values.erase("ticket.ticket_field_360001000003");
    const auto parsed = parse_ticket(tests::render_zendesk_body(values), {"GBP"}, received);
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front();
    EXPECT_EQ(parsed.value->customer.customer_id, "zendesk:9001");
    EXPECT_EQ(parsed.value->order.currency, "GBP") << "the configured default currency";
    EXPECT_TRUE(parsed.value->refund.evidence.empty());
}

TEST(zendesk_ticket, unmapped_or_bad_fields_are_named) {
    auto values = ticket_values();
    values.erase("ticket.ticket_field_360001000001");
    values["ticket.ticket_field_360001000002"] = "49.999";
    values["ticket.created_at_with_timestamp"] = "yesterday";
    const auto parsed = parse_ticket(tests::render_zendesk_body(values), {}, received);
    ASSERT_FALSE(parsed.ok());
    std::string all;
    for (const auto& e : parsed.errors) {
        all += e + "\n";
    }
    EXPECT_NE(
        all.find("ticket.order_id: is empty: map the order id custom field"), std::string::npos
    ) << all;
    EXPECT_NE(all.find("ticket.amount: "), std::string::npos) << all;
    EXPECT_NE(all.find("ticket.created_at: "), std::string::npos) << all;

    values = ticket_values();
    values["ticket.ticket_field_360001000003"] = "EURO";
    const auto currency = parse_ticket(tests::render_zendesk_body(values), {}, received);
    ASSERT_FALSE(currency.ok());
    EXPECT_EQ(currency.errors.front(), "ticket.currency: \"EURO\" is not an ISO 4217 currency");

    const auto broken = parse_ticket(R"({"ticket": {"id": "1",)", {}, received);
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.errors.front().find("invalid JSON"), std::string::npos);
}

}  // namespace
}  // namespace refundbot::adapters::zendesk
