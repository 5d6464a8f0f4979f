#include "adapters/orders/http_lookup.hpp"

#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "pipeline/core/json_reader.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace refundbot::adapters::orders {

namespace json = boost::json;
using pipeline::model::order_facts;

namespace {

order_facts unavailable(std::string why) {
    order_facts f;
    f.unavailable = std::move(why);
    return f;
}

std::string first_error(const pipeline::core::json_errors& errors) {
    return errors.empty() ? std::string("unreadable") : errors.front();
}

}  // namespace

http_lookup::http_lookup(http::client& http, lookup_settings settings)
    : http_(http), settings_(std::move(settings)) {}

order_facts http_lookup::look_up(const pipeline::model::refund_request& request) {
    http::request r;
    r.method = "GET";
    r.idempotent = true;
    const char separator = settings_.url.find('?') == std::string::npos ? '?' : '&';
    r.url = settings_.url + separator +
            http::form_encode({
                {"order_id", request.order.order_id},
                {"customer_id", request.customer.customer_id},
                {"source", request.source},
            });
    r.headers.push_back({"Accept", "application/json"});
    if (!settings_.token.empty()) {
        r.headers.push_back({"Authorization", "Bearer " + std::string(settings_.token.reveal())});
    }
    http::response res;
    try {
        res = http_.send(r);
    } catch (const std::exception& e) {
        return unavailable(std::string("order lookup failed: ") + e.what());
    }
    if (res.status == 404) {
        return unavailable("the order lookup does not know order " + request.order.order_id);
    }
    if (res.status != 200) {
        return unavailable("the order lookup answered HTTP " + std::to_string(res.status));
    }
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(res.body, errors);
    if (!doc || !doc->is_object()) {
        return unavailable("the order lookup answered with something other than a JSON object");
    }
    const auto& body = doc->get_object();
    order_facts facts;
    int exponent = request.order.exponent;
    if (const auto* o = body.if_contains("order"); o != nullptr && !o->is_null()) {
        auto parsed = pipeline::model::parse_order(*o);
        if (!parsed.ok()) {
            return unavailable(
                "the order lookup's order is invalid: order." + first_error(parsed.errors)
            );
        }
        exponent = parsed.value->exponent;
        facts.order = std::move(parsed.value);
    }
    if (const auto* c = body.if_contains("customer_id"); c != nullptr && c->is_string()) {
        facts.customer_id = std::string(c->get_string());
    }
    if (const auto* c = body.if_contains("context"); c != nullptr && !c->is_null()) {
        auto parsed = pipeline::model::parse_enriched_context(*c, exponent);
        if (!parsed.ok()) {
            return unavailable(
                "the order lookup's context is invalid: context." + first_error(parsed.errors)
            );
        }
        facts.context = std::move(parsed.value);
    }
    return facts;
}

}  // namespace refundbot::adapters::orders
