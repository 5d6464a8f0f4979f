#include "pipeline/model/refund_request.hpp"

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

namespace refundbot::pipeline::model {

namespace json = boost::json;
using core::json_path;

namespace {

constexpr std::string_view evidence_types[] = {
    "photo", "video", "carrier_scan", "receipt", "tracking", "other"};

void read_items(
    core::json_reader& rd,
    const json::array& items,
    const std::string& path,
    int exponent,
    order_info& out
) {
    if (items.empty()) {
        rd.fail(path, "must list at least one item");
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto at = json_path(path, i);
        const auto* obj = rd.object(items[i], at);
        if (!obj) {
            continue;
        }
        rd.reject_unknown(*obj, at, {"sku", "category", "final_sale", "price", "quantity", "name"});
        line_item item;
        item.sku = rd.text(*obj, at, "sku").value_or("");
        item.category = rd.text(*obj, at, "category").value_or("");
        item.final_sale = rd.boolean(*obj, at, "final_sale", true).value_or(false);
        item.price = rd.amount(*obj, at, "price", exponent, true);
        item.quantity = rd.integer(*obj, at, "quantity", 1, 1'000'000, true).value_or(1);
        out.items.push_back(std::move(item));
    }
}

}  // namespace

core::parsed<refund_request> parse_refund_request(const json::value& v) {
    core::json_reader rd;
    refund_request r;
    const auto* root = rd.object(v, "");
    if (!root) {
        return {std::nullopt, rd.take_errors()};
    }
    rd.reject_unknown(
        *root,
        "",
        {"request_id",
         "source",
         "ticket_id",
         "customer",
         "order",
         "refund",
         "metadata",
         "created_at",
         "trigger_risk_score"}
    );
    r.request_id = rd.text(*root, "", "request_id").value_or("");
    r.source = rd.text(*root, "", "source").value_or("");
    r.ticket_id = rd.string(*root, "", "ticket_id", true).value_or("");
    r.trigger_risk_score = rd.number(*root, "", "trigger_risk_score", 0.0, 1.0, true);
    if (auto t = rd.time(*root, "", "created_at")) {
        r.created_at = *t;
    }

    if (const auto* c = rd.object(*root, "", "customer")) {
        rd.reject_unknown(*c, "customer", {"customer_id", "email"});
        r.customer.customer_id = rd.text(*c, "customer", "customer_id").value_or("");
        r.customer.email = rd.string(*c, "customer", "email", true).value_or("");
    }

    std::optional<int> exponent;
    if (const auto* o = rd.object(*root, "", "order")) {
        rd.reject_unknown(
            *o,
            "order",
            {"order_id",
             "currency",
             "total",
             "items",
             "delivered_at",
             "payment",
             "shipping_country"}
        );
        r.order.order_id = rd.text(*o, "order", "order_id").value_or("");
        if (auto cur = rd.currency(*o, "order", "currency")) {
            r.order.currency = cur->first;
            r.order.exponent = cur->second;
            exponent = cur->second;
        }
        if (exponent) {
            r.order.total = rd.amount(*o, "order", "total", *exponent).value_or(0);
        }
        if (const auto* items = rd.array(*o, "order", "items")) {
            read_items(rd, *items, "order.items", exponent.value_or(2), r.order);
        }
        r.order.delivered_at = rd.time(*o, "order", "delivered_at", true);
        r.order.shipping_country = rd.string(*o, "order", "shipping_country", true);
        if (const auto* p = rd.object(*o, "order", "payment", true)) {
            rd.reject_unknown(*p, "order.payment", {"processor", "payment_intent_id", "charge_id"});
            r.order.pay.processor = rd.text(*p, "order.payment", "processor").value_or("");
            r.order.pay.payment_intent_id =
                rd.string(*p, "order.payment", "payment_intent_id", true).value_or("");
            r.order.pay.charge_id = rd.string(*p, "order.payment", "charge_id", true).value_or("");
            if (r.order.pay.payment_intent_id.empty() && r.order.pay.charge_id.empty()) {
                rd.fail("order.payment", "needs payment_intent_id or charge_id");
            }
        }
    }

    if (const auto* f = rd.object(*root, "", "refund")) {
        rd.reject_unknown(
            *f, "refund", {"amount_requested", "currency", "reason_text", "evidence"}
        );
        r.refund.currency = rd.string(*f, "refund", "currency", true).value_or(r.order.currency);
        if (exponent) {
            // A different refund currency is reported by the currency_match rule, not here;
            // the amount is read with the order's exponent either way.
            r.refund.amount_requested =
                rd.amount(*f, "refund", "amount_requested", *exponent).value_or(0);
        }
        r.refund.reason_text = rd.string(*f, "refund", "reason_text").value_or("");
        if (const auto* ev = rd.array(*f, "refund", "evidence", true)) {
            for (std::size_t i = 0; i < ev->size(); ++i) {
                const auto at = json_path("refund.evidence", i);
                const auto* e = rd.object((*ev)[i], at);
                if (!e) {
                    continue;
                }
                rd.reject_unknown(*e, at, {"type", "url", "description"});
                evidence_item item;
                item.type = rd.text(*e, at, "type").value_or("");
                item.url = rd.string(*e, at, "url", true).value_or("");
                if (!item.type.empty() &&
                    std::find(std::begin(evidence_types), std::end(evidence_types), item.type) ==
                        std::end(evidence_types)) {
                    rd.fail(
                        json_path(at, "type"),
                        "expected one of photo, video, carrier_scan, receipt, tracking, other, got "
                        "\"" +
                            item.type + "\""
                    );
                }
                r.refund.evidence.push_back(std::move(item));
            }
        }
    }

    if (const auto* m = rd.object(*root, "", "metadata", true)) {
        for (const auto& [key, value] : *m) {
            if (const auto* s = value.if_string()) {
                r.metadata.emplace(std::string(key), std::string(*s));
            } else {
                rd.fail(
                    json_path("metadata", key),
                    "expected string, got " + std::string(core::json_kind(value))
                );
            }
        }
    }

    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(r), {}};
}

void tag_invoke(json::value_from_tag, json::value& out, const refund_request& r) {
    const auto amount = [&](std::int64_t minor) {
        return core::format_decimal(minor, r.order.exponent);
    };
    json::array items;
    for (const auto& i : r.order.items) {
        json::object item{
            {"sku", i.sku},
            {"category", i.category},
            {"final_sale", i.final_sale},
            {"quantity", i.quantity}};
        if (i.price) {
            item["price"] = amount(*i.price);
        }
        items.push_back(std::move(item));
    }
    json::array evidence;
    for (const auto& e : r.refund.evidence) {
        evidence.push_back(json::object{{"type", e.type}, {"url", e.url}});
    }
    json::object order{
        {"order_id", r.order.order_id},
        {"currency", r.order.currency},
        {"total", amount(r.order.total)},
        {"items", std::move(items)},
    };
    if (r.order.delivered_at) {
        order["delivered_at"] = core::format_rfc3339(*r.order.delivered_at);
    }
    json::object metadata;
    for (const auto& [k, v] : r.metadata) {
        metadata[k] = v;
    }
    out = json::object{
        {"request_id", r.request_id},
        {"source", r.source},
        {"ticket_id", r.ticket_id},
        {"customer", json::object{{"customer_id", r.customer.customer_id}}},
        {"order", std::move(order)},
        {"refund",
         json::object{
             {"amount_requested", amount(r.refund.amount_requested)},
             {"currency", r.refund.currency},
             {"reason_text", r.refund.reason_text},
             {"evidence", std::move(evidence)},
         }},
        {"metadata", std::move(metadata)},
        {"created_at", core::format_rfc3339(r.created_at)},
    };
}

}  // namespace refundbot::pipeline::model
