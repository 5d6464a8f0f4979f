#include "adapters/stripe/events.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::stripe {
namespace {

TEST(stripe_events, reads_a_refund_event_with_our_metadata) {
    const auto e = parse_event(R"({"id":"evt_1","object":"event","type":"refund.updated",
        "data":{"object":{"id":"re_1","object":"refund","amount":2900,"currency":"usd",
        "charge":"ch_1","payment_intent":"pi_1","status":"failed",
        "failure_reason":"lost_or_stolen_card","metadata":{"request_id":"rf_1"}}}})");
    ASSERT_TRUE(e.error.empty()) << e.error;
    ASSERT_TRUE(e.event && e.event->refund);
    const auto& r = *e.event->refund;
    EXPECT_EQ(e.event->event_id, "evt_1");
    EXPECT_EQ(r.refund_id, "re_1");
    EXPECT_EQ(r.amount.minor, 2900);
    EXPECT_EQ(r.amount.currency, "USD");
    EXPECT_EQ(r.request_id, "rf_1");
    EXPECT_EQ(r.failure_reason, "lost_or_stolen_card");
}

TEST(stripe_events, reads_disputes_and_charges_with_expanded_or_plain_ids) {
    const auto d = parse_event(R"({"id":"evt_2","object":"event","type":"charge.dispute.created",
        "data":{"object":{"id":"dp_1","amount":500,"currency":"eur","charge":{"id":"ch_9"},
        "payment_intent":null,"reason":"fraudulent","status":"needs_response"}}})");
    ASSERT_TRUE(d.event && d.event->dispute) << d.error;
    EXPECT_EQ(d.event->dispute->charge_id, "ch_9");
    EXPECT_EQ(d.event->dispute->amount.currency, "EUR");

    const auto c = parse_event(R"({"id":"evt_3","object":"event","type":"charge.refunded",
        "data":{"object":{"id":"ch_9","amount":1000,"amount_captured":1000,
        "amount_refunded":400,"currency":"usd","refunds":{"object":"list","data":[
        {"id":"re_2","amount":400,"currency":"usd","status":"succeeded","charge":"ch_9"}]}}}})");
    ASSERT_TRUE(c.event && c.event->charge) << c.error;
    EXPECT_EQ(c.event->charge->refunded, 400);
    ASSERT_EQ(c.event->charge->refunds.size(), 1U);
    EXPECT_EQ(c.event->charge->refunds[0].refund_id, "re_2");
}

TEST(stripe_events, ignores_other_types_and_names_what_is_wrong) {
    const auto other =
        parse_event(R"({"id":"evt_4","object":"event","type":"invoice.paid","data":{}})");
    EXPECT_TRUE(other.error.empty());
    EXPECT_FALSE(other.event);
    EXPECT_EQ(other.type, "invoice.paid");

    EXPECT_EQ(parse_event("[]").error, "body: not a JSON object");
    EXPECT_EQ(parse_event(R"({"object":"event"})").error, "id: required (the event id, evt_...)");
    EXPECT_EQ(parse_event(R"({"id":"evt_5","object":"event"})").error, "type: required");
    EXPECT_EQ(
        parse_event(R"({"id":"evt_6","object":"event","type":"refund.failed"})").error,
        "data.object: required for refund.failed"
    );
    EXPECT_EQ(
        parse_event(R"({"id":"evt_7","object":"event","type":"charge.dispute.created",
            "data":{"object":{"id":"dp_2","amount":5,"currency":"usd"}}})")
            .error,
        "data.object: not a Dispute (needs id, amount, currency, charge or payment_intent)"
    );
}

}  // namespace
}  // namespace refundbot::adapters::stripe
