// The Stripe processor against the fake Stripe API on loopback: wire format, idempotency,
// the SDKs' retry rule and the mapping of answers to outcomes.
#include "adapters/stripe/processor.hpp"
#include "bot/handlers/slack_request.hpp"
#include "tests/support/fake_stripe.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::stripe {
namespace {

using namespace std::chrono_literals;
using pipeline::ports::refund_outcome;

struct stripe_fixture : ::testing::Test {
    tests::fake_stripe fake;
    stripe_processor processor{[this] {
        stripe_settings s;
        s.api_base_url = fake.base_url();
        s.secret_key = pipeline::core::secret("sk_test_refundbot");
        s.retry_backoff = 10ms;
        s.request_timeout = 1s;
        return s;
    }()};

    static pipeline::ports::refund_order order(
        const std::string& id, const std::string& reference, std::int64_t minor
    ) {
        pipeline::ports::refund_order o;
        o.request_id = id;
        o.idempotency_key = id + ":refund";
        o.payment_reference = reference;
        o.amount = {minor, "USD"};
        o.review_id = "UALICE";
        o.source = "zendesk";
        return o;
    }
};

TEST_F(stripe_fixture, sends_one_form_encoded_refund_with_key_version_and_metadata) {
    fake.add_charge("1001", 2900);
    const auto r = processor.refund(order("rf_a", "pi_1001", 2900));
    EXPECT_EQ(r.outcome, refund_outcome::succeeded) << r.error;
    EXPECT_EQ(r.status, "succeeded");
    ASSERT_EQ(fake.refunds().size(), 1U);
    const auto all = fake.received();
    const auto& sent = all.back();
    EXPECT_EQ(sent.path, "/v1/refunds");
    EXPECT_EQ(sent.header("idempotency-key"), "rf_a:refund");
    EXPECT_EQ(sent.header("stripe-version"), "2026-07-29.dahlia");
    EXPECT_EQ(sent.header("authorization"), "Bearer sk_test_refundbot");
    const auto form = bot::handlers::parse_form(sent.body).value();
    EXPECT_EQ(bot::handlers::form_value(form, "payment_intent"), "pi_1001");
    EXPECT_EQ(bot::handlers::form_value(form, "amount"), "2900");
    EXPECT_EQ(bot::handlers::form_value(form, "reason"), "requested_by_customer");
    EXPECT_EQ(bot::handlers::form_value(form, "metadata[request_id]"), "rf_a");
    EXPECT_EQ(bot::handlers::form_value(form, "metadata[review_id]"), "UALICE");
    EXPECT_EQ(bot::handlers::form_value(form, "metadata[source]"), "zendesk");
    EXPECT_EQ(r.refund_id, fake.refunds()[0].id);

    // The same order again (a retried job) is the same refund, not a second one.
    const auto again = processor.refund(order("rf_a", "pi_1001", 2900));
    EXPECT_EQ(again.refund_id, r.refund_id);
    EXPECT_EQ(fake.refunds().size(), 1U);
}

TEST_F(stripe_fixture, a_charge_reference_is_sent_as_charge) {
    fake.add_charge("2002", 5000);
    const auto r = processor.refund(order("rf_ch", "ch_2002", 1000));
    EXPECT_EQ(r.outcome, refund_outcome::succeeded) << r.error;
    const auto form = bot::handlers::parse_form(fake.received().back().body).value();
    EXPECT_EQ(bot::handlers::form_value(form, "charge"), "ch_2002");
    EXPECT_FALSE(bot::handlers::form_value(form, "payment_intent"));
}

TEST_F(stripe_fixture, a_500_then_success_is_one_refund_with_the_same_key) {
    fake.add_charge("3003", 4000);
    fake.fail_next(1, 500);
    const auto r = processor.refund(order("rf_500", "pi_3003", 4000));
    EXPECT_EQ(r.outcome, refund_outcome::succeeded) << r.error;
    EXPECT_EQ(fake.refund_posts(), 2);
    EXPECT_EQ(fake.refunds().size(), 1U);
    const auto all = fake.received();
    EXPECT_EQ(all[0].header("idempotency-key"), all[1].header("idempotency-key"));
}

TEST_F(stripe_fixture, an_answer_lost_to_a_timeout_is_retried_with_the_same_key_once_refunded) {
    fake.add_charge("4004", 4000);
    fake.delay_next(1500ms);  // longer than the 1 s request timeout
    const auto r = processor.refund(order("rf_slow", "pi_4004", 4000));
    EXPECT_EQ(r.outcome, refund_outcome::succeeded) << r.error;
    EXPECT_EQ(fake.refunds().size(), 1U) << "the replay returned the stored refund";
    EXPECT_EQ(fake.refunded("4004"), 4000);
}

TEST_F(stripe_fixture, follows_the_sdk_retry_rule) {
    fake.add_charge("5005", 4000);
    fake.lock_timeout_next(1);
    EXPECT_EQ(
        processor.refund(order("rf_lock", "pi_5005", 1000)).outcome, refund_outcome::succeeded
    );
    EXPECT_EQ(fake.refund_posts(), 2) << "429 lock_timeout is retried";

    fake.fail_next(1, 429);
    const auto limited = processor.refund(order("rf_rate", "pi_5005", 1000));
    EXPECT_EQ(limited.outcome, refund_outcome::unknown)
        << "plain rate limiting goes back to the queue";
    EXPECT_EQ(fake.refund_posts(), 3) << "and is not retried at once";

    fake.fail_next(1, 500, "false");
    EXPECT_EQ(
        processor.refund(order("rf_noretry", "pi_5005", 1000)).outcome, refund_outcome::unknown
    );
    EXPECT_EQ(fake.refund_posts(), 4) << "Stripe-Should-Retry: false wins over the 500";

    fake.fail_next(3, 503);
    const auto down = processor.refund(order("rf_down", "pi_5005", 1000));
    EXPECT_EQ(down.outcome, refund_outcome::unknown);
    EXPECT_EQ(fake.refund_posts(), 7) << "bounded: max_network_retries 2 means 3 attempts";
    EXPECT_EQ(
        processor.refund(order("rf_down", "pi_5005", 1000)).outcome, refund_outcome::succeeded
    );
}

TEST_F(stripe_fixture, invalid_requests_are_terminal_with_stripes_code) {
    fake.add_charge("6006", 3000);
    EXPECT_EQ(
        processor.refund(order("rf_full", "pi_6006", 3000)).outcome, refund_outcome::succeeded
    );
    const auto twice = processor.refund(order("rf_other", "pi_6006", 100));
    EXPECT_EQ(twice.outcome, refund_outcome::failed);
    EXPECT_EQ(twice.error_code, "charge_already_refunded");
    EXPECT_NE(twice.error.find("already been refunded"), std::string::npos) << twice.error;
    EXPECT_EQ(fake.refund_posts(), 2) << "a 400 is not retried";

    fake.add_charge("7007", 3000);
    const auto big = processor.refund(order("rf_big", "pi_7007", 3001));
    EXPECT_EQ(big.error_code, "amount_too_large");

    fake.add_charge("8008", 3000);
    fake.set_disputed("8008");
    EXPECT_EQ(processor.refund(order("rf_disp", "pi_8008", 100)).error_code, "charge_disputed");

    // The same key with other parameters is Stripe's idempotency_error, never a second refund.
    const auto changed = processor.refund(order("rf_full", "pi_6006", 2999));
    EXPECT_EQ(changed.outcome, refund_outcome::failed);
    EXPECT_EQ(changed.error_code, "idempotency_error");
}

TEST_F(stripe_fixture, a_bad_key_is_not_a_terminal_failure) {
    stripe_settings s;
    s.api_base_url = fake.base_url();
    s.secret_key = pipeline::core::secret("sk_test_wrong");
    stripe_processor wrong(s);
    fake.add_charge("9009", 3000);
    const auto r = wrong.refund(order("rf_key", "pi_9009", 100));
    EXPECT_EQ(r.outcome, refund_outcome::unknown) << "the refund waits for a fixed key";
    EXPECT_EQ(r.error.find("sk_test_wrong"), std::string::npos);
}

TEST_F(stripe_fixture, pending_refunds_are_looked_up_and_found_by_request) {
    fake.add_charge("1010", 3000);
    fake.pending_next(1);
    const auto created = processor.refund(order("rf_pend", "pi_1010", 3000));
    EXPECT_EQ(created.outcome, refund_outcome::pending);
    EXPECT_EQ(processor.lookup(created.refund_id).outcome, refund_outcome::pending);
    fake.settle(created.refund_id, "failed", "expired_or_canceled_card");
    const auto failed = processor.lookup(created.refund_id);
    EXPECT_EQ(failed.outcome, refund_outcome::failed);
    EXPECT_EQ(failed.error_code, "failed");

    const auto found = processor.find(order("rf_pend", "pi_1010", 3000));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->refund_id, created.refund_id);
    EXPECT_FALSE(processor.find(order("rf_none", "pi_1010", 3000)));
}

TEST_F(stripe_fixture, reads_the_payment_balance_of_a_charge_or_intent) {
    fake.add_charge("1111", 5000, "eur");
    EXPECT_EQ(
        processor.refund(order("rf_bal", "ch_1111", 1200)).outcome, refund_outcome::succeeded
    );
    for (const auto* ref : {"ch_1111", "pi_1111"}) {
        const auto b = processor.balance(ref);
        ASSERT_TRUE(b) << ref;
        EXPECT_EQ(b->captured.minor, 5000);
        EXPECT_EQ(b->captured.currency, "EUR");
        EXPECT_EQ(b->refunded, 1200);
        EXPECT_FALSE(b->disputed);
    }
    EXPECT_THROW((void)processor.balance("pi_missing"), std::runtime_error);
}

}  // namespace
}  // namespace refundbot::adapters::stripe
