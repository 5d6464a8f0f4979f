#pragma once

#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace refundbot::pipeline::model {

struct customer_info {
    std::string customer_id;
    std::string email;  ///< PII: never logged or audited
};

struct line_item {
    std::string line_item_id;  ///< the shop's id of the order line, when the trigger names it
    std::string sku;
    std::string category;  ///< "apparel", "gift_card", "subscription", "digital", ...
    bool final_sale = false;
    std::optional<std::int64_t> price;  ///< minor units of the order currency
    std::int64_t quantity = 1;
};

struct payment {
    std::string processor;  ///< "stripe", ...
    std::string payment_intent_id;
    std::string charge_id;
};

struct order_info {
    std::string order_id;
    std::string currency;    ///< ISO 4217
    int exponent = 2;        ///< the currency's decimals
    std::int64_t total = 0;  ///< minor units paid for the order
    std::vector<line_item> items;
    std::optional<core::timestamp> delivered_at;
    std::optional<std::string> shipping_country;  ///< ISO 3166 alpha-2
    payment pay;
    /// False when the trigger knew only part of the order (a helpdesk ticket names an order
    /// id, a return names line items): total, items and payment come from an order lookup
    /// (see order_facts.hpp) and stay unknown, sending the case to a human, when none answers.
    bool complete = true;
};

/// What the customer sent to support the claim.
struct evidence_item {
    std::string type;  ///< photo, video, carrier_scan, receipt, tracking, other
    std::string url;
};

struct refund_ask {
    std::int64_t amount_requested = 0;  ///< minor units of the order currency
    std::string currency;               ///< equal to the order's unless stated otherwise
    std::string reason_text;            ///< untrusted customer text
    std::vector<evidence_item> evidence;
};

/// The one normalized request every trigger produces (seed: "minimum refund request payload").
struct refund_request {
    std::string request_id;
    std::string source;  ///< zendesk, shopify, stripe, helpdesk
    std::string ticket_id;
    customer_info customer;
    order_info order;
    refund_ask refund;
    std::map<std::string, std::string> metadata;  ///< ip_country, customer_message, ...
    /// A score the trigger already carries (e.g. Stripe Radar), 0..1.
    std::optional<double> trigger_risk_score;
    core::timestamp created_at;

    [[nodiscard]] core::money requested() const {
        return {refund.amount_requested, refund.currency};
    }
    [[nodiscard]] core::money order_total() const { return {order.total, order.currency}; }
};

/// Parses the normalized request; every problem is reported with its JSON path.
[[nodiscard]] core::parsed<refund_request> parse_refund_request(const boost::json::value& v);

/// Parses an order object as it appears in the request (an order lookup answers with one).
[[nodiscard]] core::parsed<order_info> parse_order(const boost::json::value& v);

/// The order as the request schema writes it, payment included (what is stored).
[[nodiscard]] boost::json::object order_to_json(const order_info& o);

/// JSON form (the parse input shape, amounts as decimal strings). The customer's email is left
/// out: this form feeds prompts, reports and the audit trail.
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const refund_request& r);

}  // namespace refundbot::pipeline::model
