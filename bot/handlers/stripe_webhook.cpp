#include "bot/handlers/stripe_webhook.hpp"

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/execution_store.hpp"
#include "adapters/stripe/events.hpp"
#include "adapters/stripe/signature.hpp"
#include "adapters/telemetry/log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

server::handler stripe_webhook(stripe_webhook_settings settings, adapters::postgres::database& db) {
    return [settings = std::move(settings),
            &db](const server::http_request& req) -> boost::asio::awaitable<http_response> {
        static const adapters::telemetry::logger log("stripe");
        const auto sig = adapters::stripe::verify_signature(
            req.header("stripe-signature"),
            req.body,
            settings.endpoint_secret,
            std::chrono::system_clock::now(),
            settings.tolerance
        );
        if (!sig.ok) {
            log.warn(
                "Stripe webhook rejected", {{"request_id", req.request_id}, {"reason", sig.error}}
            );
            co_return http_response::error(400, sig.error, sig.message);
        }
        auto parsed = adapters::stripe::parse_event(req.body);
        if (!parsed.error.empty()) {
            co_return http_response::error(400, "invalid_event", parsed.error);
        }
        if (!parsed.event) {
            co_return http_response::json(
                200, json::serialize(json::object{{"received", true}, {"ignored", parsed.type}})
            );
        }
        adapters::postgres::event_outcome outcome;
        try {
            co_await db.async_run([&](pqxx::connection_base& cx) {
                outcome = adapters::postgres::apply_payment_event(cx, *parsed.event);
            });
        } catch (const std::exception& e) {
            log.error(
                "Stripe event not stored",
                {{"request_id", req.request_id}, {"event_id", parsed.id}, {"error", e.what()}}
            );
            co_return http_response::error(503, "unavailable", "the event was not stored; retry");
        }
        log.info(
            outcome.duplicate ? "Stripe event redelivered" : "Stripe event applied",
            {{"request_id", req.request_id},
             {"event_id", parsed.id},
             {"type", parsed.type},
             {"requests", outcome.affected.size()}}
        );
        co_return http_response::json(
            200, json::serialize(json::object{{"received", true}, {"duplicate", outcome.duplicate}})
        );
    };
}

}  // namespace refundbot::bot::handlers
