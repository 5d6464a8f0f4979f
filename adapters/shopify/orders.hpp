#pragma once

#include "pipeline/core/secret.hpp"
#include "pipeline/ports/order_source.hpp"

#include <map>
#include <string>
#include <vector>

namespace refundbot::adapters::http {
class client;
}  // namespace refundbot::adapters::http

namespace refundbot::adapters::shopify {

/// How Shopify products become policy categories. Keys are compared case-insensitively. A
/// mapped tag wins over the product type (tags are how shops mark exceptions); an unmapped
/// product type becomes its lower-case, underscore-joined self ("Gift Cards" -> "gift_cards"),
/// so a policy can name it without a mapping; gift card lines are always "gift_card".
struct category_map {
    std::map<std::string, std::string> product_types;
    std::map<std::string, std::string> tags;
    std::vector<std::string> final_sale_tags;  ///< a product tagged so is final sale
};

struct admin_settings {
    std::string shop_url;  ///< https://{shop}.myshopify.com; empty disables the lookup
    std::string api_version = "2026-10";
    pipeline::core::secret access_token;  ///< an Admin API token with read_orders
    category_map categories;
};

/// The category of a line whose product has `product_type` and `tags`.
[[nodiscard]] std::string category_for(
    const category_map& map,
    const std::string& product_type,
    const std::vector<std::string>& tags,
    bool gift_card
);

/// Looks an order up in the Shopify Admin GraphQL API: `POST {shop_url}/admin/api/{version}/
/// graphql.json` with `X-Shopify-Access-Token`, by id (numeric or `gid://shopify/Order/..`) or
/// else by name ("#1001"). Answers the order in the shop's currency with priced, categorised
/// lines, delivery from its fulfillments, refunds already made in Shopify and the customer's
/// order count, spend and account age. The order's payment is not read: Shopify Payments
/// charges are not Stripe charges. Errors, throttling and unknown orders become `unavailable`.
/// @par Thread safety
/// look_up() may be called from any thread.
class admin_orders final : public pipeline::ports::order_source {
public:
    admin_orders(http::client& http, admin_settings settings);
    [[nodiscard]] pipeline::model::order_facts look_up(
        const pipeline::model::refund_request& request
    ) override;

private:
    http::client& http_;
    admin_settings settings_;
};

}  // namespace refundbot::adapters::shopify
