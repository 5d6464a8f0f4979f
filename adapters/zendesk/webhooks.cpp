#include "adapters/zendesk/webhooks.hpp"

#include "adapters/crypto/crypto.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace refundbot::adapters::zendesk {

namespace json = boost::json;
using pipeline::core::json_path;

namespace {

signature_check refused(std::string error, std::string message) {
    return {false, std::move(error), std::move(message)};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return s;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// Attachments are files the customer chose; the extension is all we know of them.
std::string evidence_type(const std::string& filename) {
    const auto dot = filename.rfind('.');
    const auto ext = dot == std::string::npos ? std::string() : lower(filename.substr(dot + 1));
    for (const auto* e : {"jpg", "jpeg", "png", "gif", "heic", "heif", "webp"}) {
        if (ext == e) {
            return "photo";
        }
    }
    for (const auto* e : {"mp4", "mov", "webm", "avi"}) {
        if (ext == e) {
            return "video";
        }
    }
    return ext == "pdf" ? "receipt" : "other";
}

// Placeholders render as strings; an id may still arrive as a number if the admin edits
// the template.
std::string scalar_text(const json::object& obj, std::string_view key) {
    const auto* v = obj.if_contains(key);
    if (v == nullptr) {
        return {};
    }
    if (v->is_string()) {
        return trim(v->get_string());
    }
    if (v->is_int64()) {
        return std::to_string(v->get_int64());
    }
    if (v->is_uint64()) {
        return std::to_string(v->get_uint64());
    }
    return {};
}

}  // namespace

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
    std::string message(timestamp);
    message += body;
    return crypto::to_base64(crypto::hmac_sha256(secret, message));
}

signature_check verify_signature(
    std::optional<std::string_view> signature,
    std::optional<std::string_view> timestamp,
    std::string_view body,
    const pipeline::core::secret& secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
) {
    if (!signature || signature->empty()) {
        return refused("missing_signature", "X-Zendesk-Webhook-Signature is required");
    }
    if (!timestamp || timestamp->empty()) {
        return refused("missing_timestamp", "X-Zendesk-Webhook-Signature-Timestamp is required");
    }
    const auto at = pipeline::core::parse_rfc3339(*timestamp);
    if (!at) {
        return refused(
            "malformed_timestamp",
            "X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 date-time"
        );
    }
    // In milliseconds: a far-future date would overflow the clock's nanoseconds.
    const auto skew =
        std::chrono::abs(std::chrono::time_point_cast<std::chrono::milliseconds>(now) - *at);
    if (skew > tolerance) {
        return refused(
            "stale_timestamp",
            "X-Zendesk-Webhook-Signature-Timestamp is more than " +
                std::to_string(tolerance.count()) + " s from the server's clock"
        );
    }
    if (!crypto::constant_time_equal(*signature, sign(secret.reveal(), *timestamp, body))) {
        return refused(
            "invalid_signature",
            "X-Zendesk-Webhook-Signature does not match the timestamp, the body and the signing "
            "secret"
        );
    }
    return {true, {}, {}};
}

pipeline::core::parsed<pipeline::model::refund_request> parse_ticket(
    std::string_view body, const ticket_settings& settings, pipeline::core::timestamp received_at
) {
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(body, errors);
    if (!doc) {
        return {std::nullopt, std::move(errors)};
    }
    pipeline::core::json_reader rd;
    pipeline::model::refund_request r;
    const auto* root = rd.object(*doc, "");
    const auto* ticket = root != nullptr ? rd.object(*root, "", "ticket") : nullptr;
    if (ticket == nullptr) {
        return {std::nullopt, rd.take_errors()};
    }
    const std::string at = "ticket";
    const auto required = [&](std::string_view key, std::string_view what) {
        auto value = scalar_text(*ticket, key);
        if (value.empty()) {
            rd.fail(
                json_path(at, key),
                "is empty: map " + std::string(what) + " in deploy/zendesk/webhook-body.json"
            );
        }
        return value;
    };
    const auto id = required("id", "{{ticket.id}}");
    r.request_id = "zendesk-" + id;
    r.source = "zendesk";
    r.ticket_id = id;
    r.created_at = received_at;
    if (const auto created = scalar_text(*ticket, "created_at"); !created.empty()) {
        if (const auto t = pipeline::core::parse_rfc3339(created)) {
            r.created_at = *t;
        } else {
            rd.fail(json_path(at, "created_at"), "expected an ISO 8601 date-time");
        }
    }

    if (const auto* req = rd.object(*ticket, at, "requester")) {
        const auto p = json_path(at, "requester");
        const auto external = scalar_text(*req, "external_id");
        const auto user = scalar_text(*req, "id");
        if (!external.empty()) {
            r.customer.customer_id = external;
        } else if (!user.empty()) {
            r.customer.customer_id = "zendesk:" + user;
        } else {
            rd.fail(json_path(p, "id"), "is empty: map {{ticket.requester.id}}");
        }
        r.customer.email = scalar_text(*req, "email");
    }

    r.order.order_id = required("order_id", "the order id custom field");
    r.order.complete = false;
    auto currency = upper(scalar_text(*ticket, "currency"));
    if (currency.empty()) {
        currency = settings.default_currency;
    }
    if (const auto exponent = pipeline::core::currency_exponent(currency)) {
        r.order.currency = currency;
        r.order.exponent = *exponent;
        r.refund.currency = currency;
        json::object amount{{"amount", scalar_text(*ticket, "amount")}};
        if (amount["amount"].as_string().empty()) {
            rd.fail(json_path(at, "amount"), "is empty: map the refund amount custom field");
        } else if (const auto minor = rd.amount(amount, at, "amount", *exponent)) {
            r.refund.amount_requested = *minor;
        }
    } else {
        rd.fail(json_path(at, "currency"), "\"" + currency + "\" is not an ISO 4217 currency");
    }

    const auto reason = scalar_text(*ticket, "reason");
    const auto description = scalar_text(*ticket, "description");
    r.refund.reason_text =
        reason.empty() || description.empty() ? reason + description : reason + ". " + description;
    if (!reason.empty()) {
        r.metadata["reason_option"] = reason;
    }

    if (const auto* list = rd.array(*ticket, at, "attachments", true)) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto p = json_path(json_path(at, "attachments"), i);
            const auto* a = rd.object((*list)[i], p);
            if (a == nullptr || a->empty()) {
                continue;  // the template's closing {} (JSON has no trailing commas)
            }
            const auto url = scalar_text(*a, "url");
            if (url.empty()) {
                rd.fail(json_path(p, "url"), "is empty");
                continue;
            }
            const auto duplicate =
                std::any_of(r.refund.evidence.begin(), r.refund.evidence.end(), [&](const auto& e) {
                    return e.url == url;
                });
            if (!duplicate) {
                r.refund.evidence.push_back({evidence_type(scalar_text(*a, "filename")), url});
            }
        }
    }
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(r), {}};
}

}  // namespace refundbot::adapters::zendesk
