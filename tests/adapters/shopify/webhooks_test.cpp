#include "adapters/shopify/webhooks.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::shopify {
namespace {

TEST(shopify_hmac, verifies_the_reference_vector_and_refuses_anything_else) {
    // ../shared/reference/apis.md Appendix A3.
    const std::string body = R"({"id":820982911946154508,"email":"jon@example.com"})";
    const pipeline::core::secret secret("hush");
    EXPECT_TRUE(verify_hmac("D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=", body, secret));
    EXPECT_EQ(sign("hush", body), "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=");
    EXPECT_FALSE(verify_hmac("D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=", body + " ", secret));
    EXPECT_FALSE(verify_hmac(
        "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=", body, pipeline::core::secret("other")
    ));
    EXPECT_FALSE(verify_hmac("", body, secret));
    EXPECT_FALSE(verify_hmac("0f450c5e6863c01462e32eba4e6849ac", body, secret))
        << "hex is not base64";
}

TEST(shopify_refund, sums_successful_refund_transactions_in_minor_units) {
    const auto r = parse_refund(R"({"id":509562969,"order_id":450789469,"note":"it broke",
        "transactions":[
          {"id":1,"kind":"refund","status":"success","amount":"41.94","currency":"USD"},
          {"id":2,"kind":"refund","status":"failure","amount":"10.00","currency":"USD"},
          {"id":3,"kind":"refund","status":"success","amount":"0.06","currency":"USD"}]})");
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_TRUE(r.refund);
    EXPECT_EQ(r.refund->refund_id, "509562969");
    EXPECT_EQ(r.refund->order_id, "450789469");
    EXPECT_EQ(r.refund->amount.minor, 4200);
    EXPECT_EQ(r.refund->amount.currency, "USD");

    const auto restock = parse_refund(R"({"id":5,"order_id":"6","transactions":[]})");
    EXPECT_TRUE(restock.error.empty());
    EXPECT_FALSE(restock.refund) << "a refund that moved no money records nothing";
}

TEST(shopify_refund, names_what_is_wrong) {
    EXPECT_EQ(parse_refund("{").error, "body: not a JSON object");
    EXPECT_EQ(
        parse_refund(R"({"order_id":1,"transactions":[]})").error, "id: required (the refund id)"
    );
    EXPECT_EQ(parse_refund(R"({"id":1,"transactions":[]})").error, "order_id: required");
    EXPECT_EQ(parse_refund(R"({"id":1,"order_id":2})").error, "transactions: required (an array)");
    EXPECT_EQ(
        parse_refund(R"({"id":1,"order_id":2,"transactions":[{"kind":"refund","status":"success",
            "amount":"1.234","currency":"USD"}]})")
            .error.substr(0, 23),
        "transactions[0].amount:"
    );
    EXPECT_EQ(
        parse_refund(R"({"id":1,"order_id":2,"transactions":[{"kind":"refund","status":"success",
            "amount":"1.00","currency":"XXQ"}]})")
            .error,
        "transactions[0].currency: not an ISO 4217 code"
    );
}

}  // namespace
}  // namespace refundbot::adapters::shopify
