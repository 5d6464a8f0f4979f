#include "bot/handlers/intake_webhook.hpp"

#include "adapters/postgres/request_store.hpp"
#include "adapters/telemetry/log.hpp"
#include "bot/handlers/intake_replies.hpp"
#include "bot/handlers/webhook_signature.hpp"
#include "pipeline/core/json_reader.hpp"
#include "pipeline/model/refund_request.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

server::handler intake_webhook(intake_settings settings, adapters::postgres::request_store& store) {
    return [settings = std::move(settings),
            &store](const server::http_request& req) -> boost::asio::awaitable<http_response> {
        static const adapters::telemetry::logger log("intake");
        if (settings.secrets.empty()) {
            co_return http_response::error(
                503,
                "intake_disabled",
                "no signing secret configured (REFUNDBOT_INTAKE_SIGNING_SECRET)"
            );
        }
        const auto sig = verify_refundbot_signature(
            req.header("x-refundbot-signature"),
            req.body,
            settings.secrets,
            std::chrono::system_clock::now(),
            settings.tolerance
        );
        if (sig.status != signature_status::ok) {
            log.warn("intake rejected", {{"request_id", req.request_id}, {"reason", sig.error}});
            co_return http_response::error(401, sig.error, sig.message);
        }
        pipeline::core::json_errors errors;
        const auto doc = pipeline::core::parse_json_text(req.body, errors);
        if (!doc) {
            co_return invalid_payload(errors);
        }
        const auto parsed = pipeline::model::parse_refund_request(*doc);
        if (!parsed.ok()) {
            co_return invalid_payload(parsed.errors);
        }
        const auto& request = *parsed.value;
        const auto event_id = req.header("x-refundbot-event-id").value_or(request.request_id);
        adapters::postgres::intake_outcome outcome;
        try {
            outcome = co_await store.async_intake(request, std::string(event_id), req.body);
        } catch (const adapters::postgres::request_id_conflict& e) {
            co_return http_response::error(409, "request_id_conflict", e.what());
        } catch (const std::exception& e) {
            log.error(
                "intake could not store the request",
                {{"request_id", req.request_id}, {"error", e.what()}}
            );
            co_return http_response::error(
                503, "unavailable", "the request was not stored; retry later"
            );
        }
        log.info(
            outcome.duplicate ? "duplicate delivery" : "request received",
            {{"request_id", req.request_id},
             {"refund_request_id", outcome.request_id},
             {"source", request.source},
             {"customer_id", request.customer.customer_id}}
        );
        co_return stored(outcome);
    };
}

}  // namespace refundbot::bot::handlers
