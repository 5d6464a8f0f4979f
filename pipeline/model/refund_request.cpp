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
    if (items.empty() && out.complete) {
        rd.fail(path, "must list at least one item");
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto at = json_path(path, i);
        const auto* obj = rd.object(items[i], at);
        if (!obj) {
            continue;
        }
        rd.reject_unknown(
            *obj, at, {"line_item_id", "sku", "category", "final_sale", "price", "quantity", "name"}
        );
        line_item item;
        item.line_item_id = rd.string(*obj, at, "line_item_id", true).value_or("");
        // A partial order may name only the returned lines; the lookup supplies the rest.
        item.sku = rd.text(*obj, at, "sku", !out.complete).value_or("");
        item.category = rd.text(*obj, at, "category", !out.complete).value_or("");
        item.final_sale = rd.boolean(*obj, at, "final_sale", true).value_or(false);
        item.price = rd.amount(*obj, at, "price", exponent, true);
        item.quantity = rd.integer(*obj, at, "quantity", 1, 1'000'000, true).value_or(1);
        out.items.push_back(std::move(item));
    }
}

// Reads an order object at `path` ("order" inside a request, "" for a bare order).
std::optional<int> read_order(
    core::json_reader& rd, const json::object& o, const std::string& path, order_info& out
) {
    rd.reject_unknown(
        o,
        path,
        {"order_id",
         "currency",
         "total",
         "items",
         "delivered_at",
         "payment",
         "shipping_country",
         "complete"}
    );
    out.complete = rd.boolean(o, path, "complete", true).value_or(true);
    out.order_id = rd.text(o, path, "order_id").value_or("");
    std::optional<int> exponent;
    if (auto cur = rd.currency(o, path, "currency")) {
        out.currency = cur->first;
        out.exponent = cur->second;
        exponent = cur->second;
    }
    if (exponent) {
        out.total = rd.amount(o, path, "total", *exponent, !out.complete).value_or(0);
    }
    if (const auto* items = rd.array(o, path, "items", !out.complete)) {
        read_items(rd, *items, json_path(path, "items"), exponent.value_or(2), out);
    }
    out.delivered_at = rd.time(o, path, "delivered_at", true);
    out.shipping_country = rd.string(o, path, "shipping_country", true);
    if (const auto* p = rd.object(o, path, "payment", true)) {
        const auto at = json_path(path, "payment");
        rd.reject_unknown(*p, at, {"processor", "payment_intent_id", "charge_id"});
        out.pay.processor = rd.text(*p, at, "processor").value_or("");
        out.pay.payment_intent_id = rd.string(*p, at, "payment_intent_id", true).value_or("");
        out.pay.charge_id = rd.string(*p, at, "charge_id", true).value_or("");
        if (out.pay.payment_intent_id.empty() && out.pay.charge_id.empty()) {
            rd.fail(at, "needs payment_intent_id or charge_id");
        }
    }
    return exponent;
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
        // A return webhook may not name the customer; the order lookup does (checked below).
        r.customer.customer_id = rd.string(*c, "customer", "customer_id").value_or("");
        r.customer.email = rd.string(*c, "customer", "email", true).value_or("");
    }

    std::optional<int> exponent;
    if (const auto* o = rd.object(*root, "", "order")) {
        exponent = read_order(rd, *o, "order", r.order);
    }

    if (const auto* f = rd.object(*root, "", "refund")) {
        rd.reject_unknown(
            *f, "refund", {"amount_requested", "currency", "reason_text", "evidence"}
        );
        r.refund.currency = rd.string(*f, "refund", "currency", true).value_or(r.order.currency);
        if (exponent) {
            // A different refund currency is reported by the currency_match rule, not here;
            // the amount is read with the order's exponent either way.
            // Left out of a partial order's request: the returned lines' prices make it.
            r.refund.amount_requested =
                rd.amount(*f, "refund", "amount_requested", *exponent, !r.order.complete)
                    .value_or(0);
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

    if (r.customer.customer_id.empty() && r.order.complete) {
        rd.fail("customer.customer_id", "must not be empty");
    }
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(r), {}};
}

core::parsed<order_info> parse_order(const json::value& v) {
    core::json_reader rd;
    order_info o;
    if (const auto* obj = rd.object(v, "")) {
        read_order(rd, *obj, "", o);
    }
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(o), {}};
}

json::object order_to_json(const order_info& o) {
    const auto amount = [&](std::int64_t minor) { return core::format_decimal(minor, o.exponent); };
    json::array items;
    for (const auto& i : o.items) {
        json::object item{{"final_sale", i.final_sale}, {"quantity", i.quantity}};
        for (const auto& [key, value] :
             {std::pair{"line_item_id", &i.line_item_id},
              std::pair{"sku", &i.sku},
              std::pair{"category", &i.category}}) {
            if (!value->empty()) {
                item[key] = *value;
            }
        }
        if (i.price) {
            item["price"] = amount(*i.price);
        }
        items.push_back(std::move(item));
    }
    json::object out{
        {"order_id", o.order_id},
        {"currency", o.currency},
        {"items", std::move(items)},
    };
    if (o.complete) {
        out["total"] = amount(o.total);
    } else {
        out["complete"] = false;
    }
    if (o.delivered_at) {
        out["delivered_at"] = core::format_rfc3339(*o.delivered_at);
    }
    if (o.shipping_country) {
        out["shipping_country"] = *o.shipping_country;
    }
    if (!o.pay.processor.empty()) {
        json::object pay{{"processor", o.pay.processor}};
        if (!o.pay.payment_intent_id.empty()) {
            pay["payment_intent_id"] = o.pay.payment_intent_id;
        }
        if (!o.pay.charge_id.empty()) {
            pay["charge_id"] = o.pay.charge_id;
        }
        out["payment"] = std::move(pay);
    }
    return out;
}

void tag_invoke(json::value_from_tag, json::value& out, const refund_request& r) {
    const auto amount = [&](std::int64_t minor) {
        return core::format_decimal(minor, r.order.exponent);
    };
    json::array evidence;
    for (const auto& e : r.refund.evidence) {
        evidence.push_back(json::object{{"type", e.type}, {"url", e.url}});
    }
    // Payment references stay out: prompts and reports have no use for them.
    auto order = order_to_json(r.order);
    order.erase("payment");
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
