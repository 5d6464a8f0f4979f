#include "adapters/stripe/events.hpp"

#include "pipeline/core/json_reader.hpp"

#include <boost/json/value.hpp>

#include <cctype>

namespace refundbot::adapters::stripe {

namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Expandable fields arrive as an id or, expanded, as the object with its id.
std::string id_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v != nullptr && v->is_object()) {
        return text(v->get_object(), "id");
    }
    return text(o, key);
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_int64()) {
        return std::nullopt;
    }
    return v->get_int64();
}

// Stripe sends ISO currencies in lower case.
std::string currency(const json::object& o) {
    auto c = text(o, "currency");
    for (auto& ch : c) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    return c.size() == 3 ? c : std::string();
}

std::optional<pipeline::model::processor_dispute> read_dispute(const json::object& o) {
    pipeline::model::processor_dispute d;
    d.dispute_id = text(o, "id");
    d.charge_id = id_of(o, "charge");
    d.payment_intent_id = id_of(o, "payment_intent");
    d.reason = text(o, "reason");
    d.status = text(o, "status");
    const auto amount = integer(o, "amount");
    d.amount = {amount.value_or(0), currency(o)};
    if (d.dispute_id.empty() || !amount || d.amount.currency.empty() ||
        (d.charge_id.empty() && d.payment_intent_id.empty())) {
        return std::nullopt;
    }
    return d;
}

std::optional<pipeline::model::processor_charge> read_charge(const json::object& o) {
    pipeline::model::processor_charge c;
    c.charge_id = text(o, "id");
    c.payment_intent_id = id_of(o, "payment_intent");
    const auto captured = integer(o, "amount_captured");
    const auto amount = integer(o, "amount");
    const auto refunded = integer(o, "amount_refunded");
    c.captured = {captured.value_or(amount.value_or(0)), currency(o)};
    c.refunded = refunded.value_or(0);
    if (c.charge_id.empty() || !refunded || c.captured.currency.empty()) {
        return std::nullopt;
    }
    // `refunds` is a list object, included only when expanded (API versions since 2022).
    if (const auto* list = o.if_contains("refunds"); list != nullptr && list->is_object()) {
        if (const auto* data = list->get_object().if_contains("data");
            data != nullptr && data->is_array()) {
            for (const auto& item : data->get_array()) {
                if (item.is_object()) {
                    if (auto r = read_refund(item.get_object())) {
                        c.refunds.push_back(std::move(*r));
                    }
                }
            }
        }
    }
    return c;
}

}  // namespace

std::optional<pipeline::model::processor_refund> read_refund(const json::object& o) {
    pipeline::model::processor_refund r;
    r.refund_id = text(o, "id");
    r.status = text(o, "status");
    r.charge_id = id_of(o, "charge");
    r.payment_intent_id = id_of(o, "payment_intent");
    r.failure_reason = text(o, "failure_reason");
    if (const auto* m = o.if_contains("metadata"); m != nullptr && m->is_object()) {
        r.request_id = text(m->get_object(), "request_id");
    }
    const auto amount = integer(o, "amount");
    r.amount = {amount.value_or(0), currency(o)};
    if (r.refund_id.empty() || r.status.empty() || !amount || r.amount.currency.empty()) {
        return std::nullopt;
    }
    return r;
}

parsed_event parse_event(std::string_view body) {
    parsed_event out;
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(body, errors);
    if (!doc || !doc->is_object()) {
        out.error = errors.empty() ? "body: not a JSON object" : errors.front();
        return out;
    }
    const auto& root = doc->get_object();
    out.id = text(root, "id");
    out.type = text(root, "type");
    if (out.id.empty()) {
        out.error = "id: required (the event id, evt_...)";
        return out;
    }
    if (text(root, "object") != "event") {
        out.error = "object: expected \"event\"";
        return out;
    }
    if (out.type.empty()) {
        out.error = "type: required";
        return out;
    }
    const auto* data = root.if_contains("data");
    const json::object* object = nullptr;
    if (data != nullptr && data->is_object()) {
        if (const auto* o = data->get_object().if_contains("object");
            o != nullptr && o->is_object()) {
            object = &o->get_object();
        }
    }
    const bool refund_type = out.type == "refund.created" || out.type == "refund.updated" ||
                             out.type == "refund.failed" || out.type == "charge.refund.updated";
    const bool charge_type = out.type == "charge.refunded";
    const bool dispute_type = out.type.starts_with("charge.dispute.");
    if (!refund_type && !charge_type && !dispute_type) {
        return out;  // not ours to act on
    }
    if (object == nullptr) {
        out.error = "data.object: required for " + out.type;
        return out;
    }
    pipeline::model::payment_event e;
    e.source = "stripe";
    e.event_id = out.id;
    e.type = out.type;
    if (refund_type) {
        e.refund = read_refund(*object);
        if (!e.refund) {
            out.error = "data.object: not a Refund (needs id, status, amount, currency)";
            return out;
        }
    } else if (charge_type) {
        e.charge = read_charge(*object);
        if (!e.charge) {
            out.error = "data.object: not a Charge (needs id, amount_refunded, currency)";
            return out;
        }
    } else {
        e.dispute = read_dispute(*object);
        if (!e.dispute) {
            out.error =
                "data.object: not a Dispute (needs id, amount, currency, charge or payment_intent)";
            return out;
        }
    }
    out.event = std::move(e);
    return out;
}

}  // namespace refundbot::adapters::stripe
