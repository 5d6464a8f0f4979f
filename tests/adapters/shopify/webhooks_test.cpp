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

// The shape of a REST-style returns/request delivery (ids as numbers, the order's line item
// inside the fulfillment line item that shipped it).
constexpr const char* return_body =
    R"({"id": 7923302, "admin_graphql_api_id": "gid://shopify/Return/7923302",
  "status": "requested", "name": "#1001-R1", "order": {"id": 4509, "admin_graphql_api_id": "gid://shopify/Order/4509"},
  "total_return_line_items": 2,
  "return_line_items": [
    {"id": 1, "quantity": 2, "return_reason": "size_too_small", "return_reason_note": "", "customer_note": null,
     "fulfillment_line_item": {"id": 11, "line_item": {"id": 111, "admin_graphql_api_id": "gid://shopify/LineItem/111"}}},
    {"id": 2, "quantity": 1, "return_reason": "defective", "return_reason_note": "zip broke", "customer_note": "please refund",
     "fulfillment_line_item": {"id": 12, "line_item": {"id": 112}}}],
  "exchange_line_items": [], "return_shipping_fees": []})";

const auto received =
    std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());

TEST(shopify_return, becomes_a_partial_request_with_the_returned_lines_and_reasons) {
    const auto parsed = parse_return_request(return_body, "CAD", received);
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front();
    const auto& r = *parsed.value;
    EXPECT_EQ(r.request_id, "shopify-return-7923302");
    EXPECT_EQ(r.source, "shopify");
    EXPECT_EQ(r.order.order_id, "4509");
    EXPECT_FALSE(r.order.complete);
    EXPECT_EQ(r.order.currency, "CAD");
    ASSERT_EQ(r.order.items.size(), 2U);
    EXPECT_EQ(r.order.items[0].line_item_id, "111");
    EXPECT_EQ(r.order.items[0].quantity, 2);
    EXPECT_EQ(r.order.items[1].line_item_id, "112");
    EXPECT_EQ(r.refund.amount_requested, 0) << "priced by the order lookup";
    EXPECT_EQ(r.refund.reason_text, "size_too_small\ndefective: zip broke: please refund");
    EXPECT_EQ(r.metadata.at("return_name"), "#1001-R1");
}

TEST(shopify_return, a_return_without_order_or_lines_is_refused_naming_the_field) {
    const auto parsed = parse_return_request(
        R"({"id": 5, "return_line_items": [{"quantity": 0, "fulfillment_line_item": {}}]})",
        "USD",
        received
    );
    ASSERT_FALSE(parsed.ok());
    std::string all;
    for (const auto& e : parsed.errors) {
        all += e + "\n";
    }
    EXPECT_NE(all.find("order: required"), std::string::npos) << all;
    EXPECT_NE(
        all.find("return_line_items[0].fulfillment_line_item.line_item.id: required"),
        std::string::npos
    ) << all;
    EXPECT_NE(all.find("return_line_items[0].quantity: "), std::string::npos) << all;
}

}  // namespace
}  // namespace refundbot::adapters::shopify
