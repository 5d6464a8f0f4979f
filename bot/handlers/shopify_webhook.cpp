#include "bot/handlers/shopify_webhook.hpp"

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/execution_store.hpp"
#include "adapters/shopify/webhooks.hpp"
#include "adapters/telemetry/log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

server::handler shopify_webhook(pipeline::core::secret secret, adapters::postgres::database& db) {
    return [secret = std::move(secret),
            &db](const server::http_request& req) -> boost::asio::awaitable<http_response> {
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
        // Shopify's current advice: the event id names the event; older deliveries only carry
        // the webhook id. The topic keeps two subscriptions to one event apart.
        event.event_id =
            topic + ":" +
            std::string(
                req.header("x-shopify-event-id").value_or(*req.header("x-shopify-webhook-id"))
            );
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
