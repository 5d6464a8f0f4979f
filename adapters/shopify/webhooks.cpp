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

namespace refundbot::adapters::shopify {

pipeline::core::parsed<pipeline::model::refund_request> parse_return_request(
    std::string_view body, const std::string& shop_currency, pipeline::core::timestamp received_at
) {
    using pipeline::core::json_path;
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(body, errors);
    if (!doc) {
        return {std::nullopt, std::move(errors)};
    }
    pipeline::core::json_reader rd;
    pipeline::model::refund_request r;
    const auto* root = rd.object(*doc, "");
    if (root == nullptr) {
        return {std::nullopt, rd.take_errors()};
    }
    const auto id = id_text(root->if_contains("id"));
    if (id.empty()) {
        rd.fail("id", "required: the return's id");
    }
    r.request_id = "shopify-return-" + id;
    r.source = "shopify";
    r.created_at = received_at;
    if (const auto at = rd.string(*root, "", "requested_at", true); at && !at->empty()) {
        if (const auto t = pipeline::core::parse_rfc3339(*at)) {
            r.created_at = *t;
        } else {
            rd.fail("requested_at", "expected an ISO 8601 date-time");
        }
    }
    if (const auto* order = rd.object(*root, "", "order")) {
        r.order.order_id = id_text(order->if_contains("id"));
        if (r.order.order_id.empty()) {
            rd.fail("order.id", "required");
        }
    }
    r.order.complete = false;
    r.order.currency = shop_currency;
    r.order.exponent = pipeline::core::currency_exponent(shop_currency).value_or(2);
    r.refund.currency = shop_currency;
    if (const auto name = rd.string(*root, "", "name", true); name && !name->empty()) {
        r.metadata["return_name"] = *name;
    }
    std::string reasons;
    if (const auto* lines = rd.array(*root, "", "return_line_items")) {
        if (lines->empty()) {
            rd.fail("return_line_items", "must list at least one returned line");
        }
        for (std::size_t i = 0; i < lines->size(); ++i) {
            const auto at = json_path("return_line_items", i);
            const auto* line = rd.object((*lines)[i], at);
            if (line == nullptr) {
                continue;
            }
            // The order's line item sits inside the fulfillment line item that shipped it.
            const json::value* item_id = nullptr;
            if (const auto* f = line->if_contains("fulfillment_line_item"); f && f->is_object()) {
                if (const auto* li = f->get_object().if_contains("line_item");
                    li && li->is_object()) {
                    item_id = li->get_object().if_contains("id");
                }
            }
            pipeline::model::line_item item;
            item.line_item_id = id_text(item_id);
            if (item.line_item_id.empty()) {
                rd.fail(json_path(at, "fulfillment_line_item.line_item.id"), "required");
            }
            item.quantity = rd.integer(*line, at, "quantity", 1, 1'000'000).value_or(1);
            r.order.items.push_back(std::move(item));
            std::string said;
            for (const auto* key : {"return_reason", "return_reason_note", "customer_note"}) {
                if (const auto text = rd.string(*line, at, key, true); text && !text->empty()) {
                    said += (said.empty() ? "" : ": ") + *text;
                }
            }
            if (!said.empty()) {
                reasons += (reasons.empty() ? "" : "\n") + said;
            }
        }
    }
    r.refund.reason_text = reasons;
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(r), {}};
}

}  // namespace refundbot::adapters::shopify
