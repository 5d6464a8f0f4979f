#include "tests/support/pipeline_fixtures.hpp"

#include "templates/templates.hpp"
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace refundbot::tests {

namespace json = boost::json;

namespace {

std::string joined(const std::vector<std::string>& errors) {
    std::string out;
    for (const auto& e : errors) {
        out += e + "\n";
    }
    return out;
}

}  // namespace

std::string read_source_file(const std::string& relative) {
    std::ifstream in(std::string(REFUNDBOT_SOURCE_DIR) + "/" + relative, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + relative);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json::object request_json(const json_edit& edit) {
    auto obj = json::parse(R"({
        "request_id": "rf_01J0000000",
        "source": "zendesk",
        "ticket_id": "ZD-18374",
        "customer": {"customer_id": "cus_8821", "email": "alex@example.com"},
        "order": {
            "order_id": "ord_55419",
            "currency": "USD",
            "total": 129.00,
            "items": [{"sku": "TSHIRT-001", "category": "apparel", "final_sale": false, "price": 129.00}],
            "delivered_at": "2026-02-14T10:24:00Z",
            "payment": {"processor": "stripe", "payment_intent_id": "pi_3P000"}
        },
        "refund": {"amount_requested": 49.00, "reason_text": "Arrived damaged. Seam ripped on first wear.",
                   "evidence": [{"type": "photo", "url": "https://example.com/p.jpg"}]},
        "metadata": {"ip_country": "US", "customer_message": "Can you help ASAP?"},
        "created_at": "2026-02-21T12:03:00Z"
    })")
                   .as_object();
    if (edit) {
        edit(obj);
    }
    return obj;
}

pipeline::model::refund_request make_request(const json_edit& edit) {
    auto parsed = pipeline::model::parse_refund_request(request_json(edit));
    if (!parsed.ok()) {
        throw std::runtime_error("fixture request does not parse:\n" + joined(parsed.errors));
    }
    return *parsed.value;
}

pipeline::model::enriched_context make_context(const json_edit& edit, int exponent) {
    auto obj = json::parse(R"({
        "customer_stats": {"lifetime_orders": 6, "lifetime_spend": 611.20, "refund_count_180d": 0,
                           "refund_amount_180d": 0, "chargeback_count_365d": 0, "account_age_days": 400,
                           "requests_24h": 1},
        "delivery": {"status": "delivered", "carrier": "UPS", "delivered_at": "2026-02-14T10:24:00Z"}
    })")
                   .as_object();
    if (edit) {
        edit(obj);
    }
    auto parsed = pipeline::model::parse_enriched_context(obj, exponent);
    if (!parsed.ok()) {
        throw std::runtime_error("fixture context does not parse:\n" + joined(parsed.errors));
    }
    return *parsed.value;
}

json::object policy_json() {
    return json::parse(read_source_file("deploy/policy.example.json")).as_object();
}

pipeline::policy::refund_policy make_policy(const json_edit& edit) {
    auto obj = policy_json();
    if (edit) {
        edit(obj);
    }
    auto parsed = pipeline::policy::parse_policy(obj);
    if (!parsed.ok()) {
        throw std::runtime_error("fixture policy does not parse:\n" + joined(parsed.errors));
    }
    return *parsed.value;
}

const pipeline::reasoning::schema_validator& decision_contract() {
    static const pipeline::reasoning::schema_validator v(
        json::parse(templates::get("decision/decision.schema.json"))
    );
    return v;
}

}  // namespace refundbot::tests
