#include "bot/handlers/shopify_webhook.hpp"

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/execution_store.hpp"
#include "adapters/postgres/request_store.hpp"
#include "adapters/shopify/webhooks.hpp"
#include "adapters/telemetry/log.hpp"
#include "bot/handlers/intake_replies.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

namespace {

boost::asio::awaitable<http_response> return_request(
    const server::http_request& req,
    const std::string& event_id,
    const shopify_webhook_settings& settings,
    adapters::postgres::request_store& requests
) {
    static const adapters::telemetry::logger log("shopify");
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    auto parsed = adapters::shopify::parse_return_request(req.body, settings.shop_currency, now);
    if (!parsed.ok()) {
        co_return invalid_payload(parsed.errors);
    }
    const auto& request = *parsed.value;
    adapters::postgres::intake_outcome outcome;
    try {
        outcome = co_await requests.async_intake(
            request, event_id, json::serialize(json::value_from(request))
        );
    } catch (const adapters::postgres::request_id_conflict&) {
        // The same return through another subscription or a new delivery id: already here.
        co_return http_response::json(
            200,
            json::serialize(json::object{{"request_id", request.request_id}, {"duplicate", true}})
        );
    } catch (const std::exception& e) {
        log.error(
            "Shopify return not stored", {{"request_id", req.request_id}, {"error", e.what()}}
        );
        co_return http_response::error(503, "unavailable", "the return was not stored; retry");
    }
    log.info(
        outcome.duplicate ? "Shopify webhook redelivered" : "Shopify return received",
        {{"request_id", req.request_id},
         {"refund_request_id", outcome.request_id},
         {"order_id", request.order.order_id}}
    );
    co_return stored(outcome);
}

}  // namespace

server::handler shopify_webhook(
    shopify_webhook_settings settings,
    adapters::postgres::database& db,
    adapters::postgres::request_store& requests
) {
    return [settings = std::move(settings), &db, &requests](const server::http_request& req
           ) -> boost::asio::awaitable<http_response> {
        const auto& secret = settings.secret;
        static const adapters::telemetry::logger log("shopify");
        if (req.body.empty()) {
            co_return http_response::error(400, "missing_body", "the webhook body is empty");
        }
        if (!adapters::shopify::verify_hmac(
                req.header("x-shopify-hmac-sha256").value_or(""), req.body, secret
            )) {
            log.warn("Shopify webhook rejected", {{"request_id", req.request_id}});
            co_return http_response::error(
                401,
                "invalid_signature",
                "X-Shopify-Hmac-Sha256 is missing or does not match the body and the app secret"
            );
        }
        for (const auto* name : {"x-shopify-topic", "x-shopify-webhook-id"}) {
            if (req.header(name).value_or("").empty()) {
                co_return http_response::error(
                    400, "missing_header", std::string(name) + " is required"
                );
            }
        }
        const std::string topic(*req.header("x-shopify-topic"));
        // Shopify's current advice: the event id names the event; older deliveries only carry
        // the webhook id. The topic keeps two subscriptions to one event apart.
        const auto event_id =
            topic + ":" +
            std::string(
                req.header("x-shopify-event-id").value_or(*req.header("x-shopify-webhook-id"))
            );
        if (topic == "returns/request") {
            co_return co_await return_request(req, event_id, settings, requests);
        }
        if (topic != "refunds/create") {
            co_return http_response::json(
                200, json::serialize(json::object{{"received", true}, {"ignored", topic}})
            );
        }
        auto parsed = adapters::shopify::parse_refund(req.body);
        if (!parsed.error.empty()) {
            co_return http_response::error(400, "invalid_refund", parsed.error);
        }
        if (!parsed.refund) {
            co_return http_response::json(
                200,
                json::serialize(json::object{{"received", true}, {"ignored", "no money moved"}})
            );
        }
        pipeline::model::payment_event event;
        event.source = "shopify";
        event.type = topic;
        event.event_id = event_id;
        event.refund = std::move(parsed.refund);
        adapters::postgres::event_outcome outcome;
        try {
            co_await db.async_run([&](pqxx::connection_base& cx) {
                outcome = adapters::postgres::apply_payment_event(cx, event);
            });
        } catch (const std::exception& e) {
            log.error(
                "Shopify refund not stored", {{"request_id", req.request_id}, {"error", e.what()}}
            );
            co_return http_response::error(503, "unavailable", "the refund was not stored; retry");
        }
        log.info(
            outcome.duplicate ? "Shopify webhook redelivered" : "Shopify refund recorded",
            {{"request_id", req.request_id},
             {"order_id", event.refund->order_id},
             {"refund_id", event.refund->refund_id}}
        );
        co_return http_response::json(
            200, json::serialize(json::object{{"received", true}, {"duplicate", outcome.duplicate}})
        );
    };
}

}  // namespace refundbot::bot::handlers
