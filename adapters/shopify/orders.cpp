#include "adapters/shopify/orders.hpp"

#include "adapters/http/client.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace refundbot::adapters::shopify {

namespace json = boost::json;
using pipeline::model::order_facts;

namespace {

// Only what the decision needs: no names, emails or addresses beyond the country.
constexpr const char* order_fields = R"(
fragment RefundbotOrder on Order {
  id
  name
  currencyCode
  totalPriceSet { shopMoney { amount currencyCode } }
  shippingAddress { countryCodeV2 }
  customer { id numberOfOrders createdAt amountSpent { amount currencyCode } }
  fulfillments(first: 20) { displayStatus deliveredAt }
  refunds(first: 50) { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
  lineItems(first: 100) {
    nodes {
      id
      sku
      quantity
      isGiftCard
      discountedUnitPriceSet { shopMoney { amount currencyCode } }
      product { productType tags }
    }
  }
})";

constexpr const char* by_id =
    "query RefundbotOrderById($id: ID!) { order(id: $id) { ...RefundbotOrder } }";
constexpr const char* by_name =
    "query RefundbotOrderByName($query: String!) "
    "{ orders(first: 1, query: $query) { nodes { ...RefundbotOrder } } }";

constexpr std::string_view order_gid = "gid://shopify/Order/";

order_facts unavailable(std::string why) {
    order_facts f;
    f.unavailable = std::move(why);
    return f;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return s;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "gid://shopify/LineItem/123" -> "123": webhooks (REST payloads) name things by number.
std::string legacy_id(std::string_view gid) {
    const auto slash = gid.rfind('/');
    return std::string(slash == std::string_view::npos ? gid : gid.substr(slash + 1));
}

const json::object* object_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

std::string text_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Reading stops at the first thing that is not as Shopify documents it; the answer is then
// not trusted at all (a half-read order would price the refund wrongly).
struct reader {
    std::string error;

    // A MoneyBag's shop amount in minor units of `currency`.
    std::optional<std::int64_t> shop_money(
        const json::object& o, std::string_view key, const std::string& currency, int exponent
    ) {
        const auto* bag = object_at(o, key);
        const auto* money = bag != nullptr ? object_at(*bag, "shopMoney") : nullptr;
        if (money == nullptr) {
            error = std::string(key) + ".shopMoney: missing";
            return std::nullopt;
        }
        if (text_at(*money, "currencyCode") != currency) {
            error = std::string(key) + ".shopMoney.currencyCode: not the order's " + currency;
            return std::nullopt;
        }
        std::string why;
        const auto minor =
            pipeline::core::parse_minor_units(text_at(*money, "amount"), exponent, why);
        if (!minor) {
            error = std::string(key) + ".shopMoney.amount: " + why;
        }
        return minor;
    }

    std::optional<pipeline::core::timestamp> time(const json::object& o, std::string_view key) {
        const auto* v = o.if_contains(key);
        if (v == nullptr || v->is_null()) {
            return std::nullopt;
        }
        auto t = v->is_string() ? pipeline::core::parse_rfc3339(v->get_string()) : std::nullopt;
        if (!t) {
            error = std::string(key) + ": not a DateTime";
        }
        return t;
    }
};

std::optional<std::string> delivery_status(const json::array& fulfillments) {
    bool moving = false;
    for (const auto& f : fulfillments) {
        if (!f.is_object()) {
            continue;
        }
        const auto status = text_at(f.get_object(), "displayStatus");
        if (status == "DELIVERED" || status == "PICKED_UP") {
            return "delivered";
        }
        moving = moving || status == "IN_TRANSIT" || status == "OUT_FOR_DELIVERY" ||
                 status == "ATTEMPTED_DELIVERY" || status == "FULFILLED" || status == "CONFIRMED" ||
                 status == "LABEL_PURCHASED";
    }
    return moving ? std::optional<std::string>("in_transit") : std::nullopt;
}

order_facts read_order(const json::object& node, const category_map& categories) {
    reader rd;
    pipeline::model::order_info order;
    order.order_id = legacy_id(text_at(node, "id"));
    order.currency = text_at(node, "currencyCode");
    const auto exponent = pipeline::core::currency_exponent(order.currency);
    if (order.order_id.empty() || !exponent) {
        return unavailable("Shopify answered an order without an id or a known currency");
    }
    order.exponent = *exponent;
    order.total = rd.shop_money(node, "totalPriceSet", order.currency, order.exponent).value_or(0);
    if (const auto* address = object_at(node, "shippingAddress")) {
        if (const auto country = text_at(*address, "countryCodeV2"); !country.empty()) {
            order.shipping_country = country;
        }
    }
    const auto* lines = object_at(node, "lineItems");
    const auto* nodes = lines != nullptr ? array_at(*lines, "nodes") : nullptr;
    if (nodes == nullptr) {
        return unavailable("Shopify answered an order without lineItems.nodes");
    }
    for (const auto& v : *nodes) {
        if (!v.is_object()) {
            continue;
        }
        const auto& line = v.get_object();
        pipeline::model::line_item item;
        item.line_item_id = legacy_id(text_at(line, "id"));
        item.sku = text_at(line, "sku");
        const auto* quantity = line.if_contains("quantity");
        item.quantity = quantity != nullptr && quantity->is_int64() ? quantity->get_int64() : 1;
        item.price = rd.shop_money(line, "discountedUnitPriceSet", order.currency, order.exponent);
        std::string product_type;
        std::vector<std::string> tags;
        if (const auto* product = object_at(line, "product")) {
            product_type = text_at(*product, "productType");
            if (const auto* t = array_at(*product, "tags")) {
                for (const auto& tag : *t) {
                    if (tag.is_string()) {
                        tags.emplace_back(tag.get_string());
                    }
                }
            }
        }
        const auto* gift = line.if_contains("isGiftCard");
        item.category = category_for(
            categories, product_type, tags, gift != nullptr && gift->is_bool() && gift->get_bool()
        );
        item.final_sale = std::any_of(tags.begin(), tags.end(), [&](const std::string& tag) {
            const auto& marks = categories.final_sale_tags;
            return std::find(marks.begin(), marks.end(), lower(tag)) != marks.end();
        });
        order.items.push_back(std::move(item));
    }

    pipeline::model::enriched_context context;
    if (const auto* fulfillments = array_at(node, "fulfillments")) {
        if (const auto status = delivery_status(*fulfillments)) {
            context.delivery.status = *status;
        }
        for (const auto& f : *fulfillments) {
            if (const auto at =
                    f.is_object() ? rd.time(f.get_object(), "deliveredAt") : std::nullopt;
                at && (!order.delivered_at || *at > *order.delivered_at)) {
                order.delivered_at = at;
                context.delivery.status = "delivered";
            }
        }
        context.delivery.delivered_at = order.delivered_at;
    }
    if (const auto* refunds = array_at(node, "refunds")) {
        for (const auto& v : *refunds) {
            if (!v.is_object()) {
                continue;
            }
            pipeline::model::prior_refund r;
            r.refund_id = legacy_id(text_at(v.get_object(), "id"));
            r.amount =
                rd.shop_money(v.get_object(), "totalRefundedSet", order.currency, order.exponent)
                    .value_or(0);
            r.status = "succeeded";  // Shopify lists refunds once they are made
            r.created_at = rd.time(v.get_object(), "createdAt");
            if (r.amount > 0) {
                context.prior_refunds.push_back(std::move(r));
            }
        }
    }
    order_facts facts;
    if (const auto* customer = object_at(node, "customer")) {
        facts.customer_id = legacy_id(text_at(*customer, "id"));
        auto& stats = context.stats;
        // UnsignedInt64 is a JSON string in GraphQL.
        if (const auto count = text_at(*customer, "numberOfOrders"); all_digits(count)) {
            stats.lifetime_orders = std::stoll(count);
        }
        if (const auto* spent = object_at(*customer, "amountSpent");
            spent != nullptr && text_at(*spent, "currencyCode") == order.currency) {
            std::string why;
            stats.lifetime_spend =
                pipeline::core::parse_minor_units(text_at(*spent, "amount"), order.exponent, why)
                    .value_or(0);
        }
        if (const auto since = rd.time(*customer, "createdAt")) {
            stats.account_age_days = pipeline::core::days_between(
                *since,
                std::chrono::time_point_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now()
                )
            );
        }
        context.has_stats = true;
    }
    if (!rd.error.empty()) {
        return unavailable("Shopify's order " + order.order_id + " is unreadable: " + rd.error);
    }
    facts.order = std::move(order);
    facts.context = std::move(context);
    return facts;
}

// Shopify reports failures as HTTP 200 with `errors`, throttling included.
std::string graphql_error(const json::object& body) {
    const auto* errors = array_at(body, "errors");
    if (errors == nullptr || errors->empty() || !(*errors)[0].is_object()) {
        return {};
    }
    const auto& first = (*errors)[0].get_object();
    if (const auto* ext = object_at(first, "extensions");
        ext && text_at(*ext, "code") == "THROTTLED") {
        return "Shopify throttled the order lookup";
    }
    const auto message = text_at(first, "message");
    return "Shopify rejected the order query: " +
           (message.empty() ? std::string("no message") : message);
}

std::string name_without_hash(std::string_view name) {
    return std::string(!name.empty() && name.front() == '#' ? name.substr(1) : name);
}

}  // namespace

std::string category_for(
    const category_map& map,
    const std::string& product_type,
    const std::vector<std::string>& tags,
    bool gift_card
) {
    if (gift_card) {
        return "gift_card";
    }
    for (const auto& tag : tags) {
        if (const auto it = map.tags.find(lower(tag)); it != map.tags.end()) {
            return it->second;
        }
    }
    const auto type = lower(product_type);
    if (const auto it = map.product_types.find(type); it != map.product_types.end()) {
        return it->second;
    }
    std::string normalized;
    for (const char c : type) {
        const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
        if (word) {
            normalized += c;
        } else if (!normalized.empty() && normalized.back() != '_') {
            normalized += '_';
        }
    }
    while (!normalized.empty() && normalized.back() == '_') {
        normalized.pop_back();
    }
    return normalized;
}

admin_orders::admin_orders(http::client& http, admin_settings settings)
    : http_(http), settings_(std::move(settings)) {}

order_facts admin_orders::look_up(const pipeline::model::refund_request& request) {
    const auto& wanted = request.order.order_id;
    if (wanted.empty()) {
        return unavailable("the request names no order to look up in Shopify");
    }
    const bool by_number = all_digits(wanted) || std::string_view(wanted).starts_with(order_gid);
    json::object variables;
    if (by_number) {
        variables["id"] = all_digits(wanted) ? std::string(order_gid) + wanted : wanted;
    } else {
        variables["query"] = "name:\"" + name_without_hash(wanted) + "\"";
    }
    http::request r;
    r.method = "POST";
    r.idempotent = true;  // a query changes nothing
    r.url = settings_.shop_url + "/admin/api/" + settings_.api_version + "/graphql.json";
    r.headers = {
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
        {"X-Shopify-Access-Token", std::string(settings_.access_token.reveal())},
    };
    r.body = json::serialize(json::object{
        {"query", std::string(by_number ? by_id : by_name) + order_fields},
        {"variables", std::move(variables)},
    });
    http::response res;
    try {
        res = http_.send(r);
    } catch (const std::exception& e) {
        return unavailable(std::string("Shopify order lookup failed: ") + e.what());
    }
    if (res.status == 401 || res.status == 403) {
        return unavailable(
            "Shopify refused the access token (HTTP " + std::to_string(res.status) +
            "); it needs the read_orders scope"
        );
    }
    if (res.status != 200) {
        return unavailable(
            "Shopify answered the order lookup with HTTP " + std::to_string(res.status)
        );
    }
    boost::system::error_code ec;
    const auto doc = json::parse(res.body, ec);
    if (ec || !doc.is_object()) {
        return unavailable("Shopify answered the order lookup with something other than JSON");
    }
    if (auto error = graphql_error(doc.get_object()); !error.empty()) {
        return unavailable(std::move(error));
    }
    const auto* data = object_at(doc.get_object(), "data");
    const json::object* node = nullptr;
    if (data != nullptr && by_number) {
        node = object_at(*data, "order");
    } else if (data != nullptr) {
        const auto* orders = object_at(*data, "orders");
        const auto* nodes = orders != nullptr ? array_at(*orders, "nodes") : nullptr;
        if (nodes != nullptr && !nodes->empty() && (*nodes)[0].is_object() &&
            name_without_hash(text_at((*nodes)[0].get_object(), "name")) ==
                name_without_hash(wanted)) {
            node = &(*nodes)[0].get_object();
        }
    }
    if (node == nullptr) {
        return unavailable("Shopify has no order " + wanted);
    }
    return read_order(*node, settings_.categories);
}

}  // namespace refundbot::adapters::shopify
