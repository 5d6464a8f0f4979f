#include "adapters/zendesk/tickets.hpp"

#include "adapters/crypto/crypto.hpp"
#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "adapters/telemetry/log.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace refundbot::adapters::zendesk {

namespace json = boost::json;

namespace {

const telemetry::logger& log() {
    static const telemetry::logger l("zendesk");
    return l;
}

// Zendesk's own error text, for the job's last_error (never the request's credentials).
std::string describe(const http::response& r) {
    std::string what = "HTTP " + std::to_string(r.status);
    boost::system::error_code ec;
    const auto doc = json::parse(r.body, ec);
    if (!ec && doc.is_object()) {
        for (const auto* key : {"error", "description"}) {
            if (const auto* v = doc.get_object().if_contains(key); v != nullptr && v->is_string()) {
                what += std::string(" ") + std::string(v->get_string());
            }
        }
    }
    return what;
}

}  // namespace

std::optional<std::string> ticket_number(std::string_view id) {
    for (const std::string_view prefix : {"ZD-", "zd-", "#"}) {
        if (id.starts_with(prefix)) {
            id.remove_prefix(prefix.size());
            break;
        }
    }
    if (id.empty() || id.size() > 19 ||
        !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return std::nullopt;
    }
    return std::string(id);
}

zendesk_tickets::zendesk_tickets(http::client& http, zendesk_settings settings)
    : http_(http), settings_(std::move(settings)) {}

std::string zendesk_tickets::authorization() const {
    if (!settings_.oauth_token.empty()) {
        return "Bearer " + std::string(settings_.oauth_token.reveal());
    }
    return "Basic " + crypto::to_base64(
                          settings_.email + "/token:" + std::string(settings_.api_token.reveal())
                      );
}

void zendesk_tickets::notify_customer(const pipeline::ports::ticket_comment& reply) {
    comment(reply, true);
}

void zendesk_tickets::add_internal_note(const pipeline::ports::ticket_comment& note) {
    comment(note, false);
}

void zendesk_tickets::comment(const pipeline::ports::ticket_comment& c, bool is_public) {
    const auto number = ticket_number(c.ticket_id);
    if (!number) {
        throw std::invalid_argument("not a Zendesk ticket id: " + c.ticket_id);
    }
    http::request r;
    r.url = http::join_url(settings_.base_url, "/api/v2/tickets/" + *number + ".json");
    r.headers = {{"Authorization", authorization()}, {"Accept", "application/json"}};
    r.idempotent = true;
    http::response current;
    try {
        current = http_.send(r);
    } catch (const http::transport_error& e) {
        throw unavailable(std::string("Zendesk: ") + e.what());
    }
    if (current.status == 404) {
        log().warn("ticket not found; update dropped", {{"ticket_id", *number}});
        return;
    }
    if (current.status != 200) {
        throw unavailable("Zendesk GET ticket " + *number + ": " + describe(current));
    }
    boost::system::error_code ec;
    const auto doc = json::parse(current.body, ec);
    const json::array* tags = nullptr;
    if (!ec && doc.is_object()) {
        if (const auto* t = doc.get_object().if_contains("ticket");
            t != nullptr && t->is_object()) {
            if (const auto* list = t->get_object().if_contains("tags");
                list != nullptr && list->is_array()) {
                tags = &list->get_array();
            }
        }
    }
    if (tags == nullptr) {
        throw unavailable("Zendesk GET ticket " + *number + ": no ticket.tags in the answer");
    }
    json::array merged = *tags;
    auto has = [&merged](std::string_view tag) {
        return std::any_of(merged.begin(), merged.end(), [&](const json::value& v) {
            return v.is_string() && v.get_string() == tag;
        });
    };
    if (has(c.marker)) {
        return;  // this very update went through before
    }
    for (const auto& tag : c.tags) {
        if (!has(tag)) {
            merged.emplace_back(tag);
        }
    }
    merged.emplace_back(c.marker);
    http::request put;
    put.method = "PUT";
    put.url = r.url;
    put.headers = {
        {"Authorization", authorization()},
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
    };
    put.body = json::serialize(json::object{
        {"ticket",
         {{"comment", {{"body", c.body}, {"public", is_public}}}, {"tags", std::move(merged)}}}});
    http::response done;
    try {
        done = http_.send(put);
    } catch (const http::transport_error& e) {
        // It may have arrived: the retry reads the ticket and finds the marker if it did.
        throw unavailable(std::string("Zendesk: ") + e.what());
    }
    if (done.status != 200) {
        throw unavailable("Zendesk PUT ticket " + *number + ": " + describe(done));
    }
    log().info(
        is_public ? "customer notified on the ticket" : "internal note added",
        {{"ticket_id", *number}, {"marker", c.marker}}
    );
}

}  // namespace refundbot::adapters::zendesk
