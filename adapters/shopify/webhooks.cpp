#include "adapters/shopify/webhooks.hpp"

#include "adapters/crypto/crypto.hpp"
#include "pipeline/core/money.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace refundbot::adapters::shopify {

namespace json = boost::json;

namespace {

// Shopify ids arrive as JSON numbers (REST payloads) or strings.
std::string id_text(const json::value* v) {
    if (v == nullptr) {
        return {};
    }
    if (v->is_int64()) {
        return std::to_string(v->get_int64());
    }
    if (v->is_uint64()) {
        return std::to_string(v->get_uint64());
    }
    return v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::string sign(std::string_view secret, std::string_view body) {
    return crypto::to_base64(crypto::hmac_sha256(secret, body));
}

bool verify_hmac(
    std::string_view hmac_header, std::string_view body, const pipeline::core::secret& secret
) {
    return !hmac_header.empty() &&
           crypto::constant_time_equal(hmac_header, sign(secret.reveal(), body));
}

parsed_refund parse_refund(std::string_view body) {
    parsed_refund out;
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        out.error = "body: not a JSON object";
        return out;
    }
    const auto& o = doc.get_object();
    const auto id = id_text(o.if_contains("id"));
    const auto order = id_text(o.if_contains("order_id"));
    if (id.empty()) {
        out.error = "id: required (the refund id)";
        return out;
    }
    if (order.empty()) {
        out.error = "order_id: required";
        return out;
    }
    const auto* transactions = o.if_contains("transactions");
    if (transactions == nullptr || !transactions->is_array()) {
        out.error = "transactions: required (an array)";
        return out;
    }
    pipeline::model::processor_refund r;
    r.refund_id = id;
    r.order_id = order;
    r.status = "succeeded";
    std::size_t i = 0;
    for (const auto& t : transactions->get_array()) {
        const auto path = "transactions[" + std::to_string(i++) + "]";
        if (!t.is_object()) {
            out.error = path + ": not an object";
            return out;
        }
        const auto& tx = t.get_object();
        auto text = [&tx](std::string_view k) {
            const auto* v = tx.if_contains(k);
            return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        if (text("kind") != "refund" || text("status") != "success") {
            continue;  // failed or pending attempts moved no money
        }
        const auto currency = text("currency");
        const auto exponent = pipeline::core::currency_exponent(currency);
        if (!exponent) {
            out.error = path + ".currency: not an ISO 4217 code";
            return out;
        }
        if (!r.amount.currency.empty() && r.amount.currency != currency) {
            out.error = path + ".currency: differs from the refund's other transactions";
            return out;
        }
        std::string why;
        const auto minor = pipeline::core::parse_minor_units(text("amount"), *exponent, why);
        if (!minor || *minor < 0) {
            out.error = path + ".amount: " + (why.empty() ? "must not be negative" : why);
            return out;
        }
        r.amount = {r.amount.minor + *minor, currency};
    }
    if (r.amount.minor > 0) {
        out.refund = std::move(r);
    }
    return out;
}

}  // namespace refundbot::adapters::shopify
