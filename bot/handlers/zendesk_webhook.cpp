#include "bot/handlers/zendesk_webhook.hpp"

#include "adapters/postgres/request_store.hpp"
#include "adapters/telemetry/log.hpp"
#include "bot/handlers/intake_replies.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

namespace {

// The stored payload is the normalized request; the requester's e-mail stays in it (and in
// the requests table only) so the customer can be reached and later erased.
std::string stored_payload(const pipeline::model::refund_request& r) {
    auto v = json::value_from(r);
    if (!r.customer.email.empty()) {
        v.at("customer").as_object()["email"] = r.customer.email;
    }
    return json::serialize(v);
}

}  // namespace

server::handler zendesk_webhook(
    zendesk_webhook_settings settings, adapters::postgres::request_store& store
) {
    return [settings = std::move(settings),
            &store](const server::http_request& req) -> boost::asio::awaitable<http_response> {
        static const adapters::telemetry::logger log("zendesk");
        const auto now = std::chrono::system_clock::now();
        const auto timestamp = req.header("x-zendesk-webhook-signature-timestamp");
        const auto sig = adapters::zendesk::verify_signature(
            req.header("x-zendesk-webhook-signature"),
            timestamp,
            req.body,
            settings.secret,
            now,
            settings.tolerance
        );
        if (!sig.ok) {
            log.warn(
                "Zendesk webhook rejected", {{"request_id", req.request_id}, {"reason", sig.error}}
            );
            co_return http_response::error(401, sig.error, sig.message);
        }
        auto parsed = adapters::zendesk::parse_ticket(
            req.body, settings.ticket, std::chrono::time_point_cast<std::chrono::milliseconds>(now)
        );
        if (!parsed.ok()) {
            co_return invalid_payload(parsed.errors);
        }
        const auto& request = *parsed.value;
        // One invocation keeps its id across Zendesk's retries; a new ticket event has a new one.
        const auto event_id =
            std::string(req.header("x-zendesk-webhook-invocation-id").value_or(*timestamp));
        adapters::postgres::intake_outcome outcome;
        try {
            outcome = co_await store.async_intake(request, event_id, stored_payload(request));
        } catch (const adapters::postgres::request_id_conflict&) {
            // An update of a ticket refundbot already handles (no new evidence, or not waiting
            // for any): nothing to do, and a 4xx would only make Zendesk retry.
            co_return http_response::json(
                200,
                json::serialize(json::object{
                    {"request_id", request.request_id},
                    {"ignored", "the ticket already has a request; the update adds no evidence"}})
            );
        } catch (const std::exception& e) {
            log.error(
                "Zendesk ticket not stored", {{"request_id", req.request_id}, {"error", e.what()}}
            );
            co_return http_response::error(
                503, "unavailable", "the ticket was not stored; retry later"
            );
        }
        log.info(
            outcome.duplicate ? "Zendesk webhook redelivered" : "Zendesk ticket received",
            {{"request_id", req.request_id},
             {"refund_request_id", outcome.request_id},
             {"ticket_id", request.ticket_id},
             {"customer_id", request.customer.customer_id}}
        );
        co_return stored(outcome);
    };
}

}  // namespace refundbot::bot::handlers
