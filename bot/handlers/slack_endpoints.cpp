#include "bot/handlers/slack_endpoints.hpp"

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/review_store.hpp"
#include "adapters/telemetry/log.hpp"
#include "bot/handlers/slack_request.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_request;
using server::http_response;

namespace {

const adapters::telemetry::logger& log() {
    static const adapters::telemetry::logger l("slack");
    return l;
}

constexpr std::array<std::string_view, 5> button_actions = {
    "refund_approve",
    "refund_deny",
    "refund_request_evidence",
    "refund_offer_replacement",
    "refund_offer_store_credit",
};

std::string text_at(const json::value& v, std::initializer_list<std::string_view> path) {
    const json::value* at = &v;
    for (auto key : path) {
        if (!at->is_object()) {
            return {};
        }
        at = at->get_object().if_contains(key);
        if (at == nullptr) {
            return {};
        }
    }
    return at->is_string() ? std::string(at->get_string()) : std::string();
}

http_response bad_field(std::string_view field, std::string_view message) {
    auto r = http_response::error(400, "invalid_payload", message);
    auto body = json::parse(r.body).as_object();
    body["field"] = field;
    r.body = json::serialize(body);
    return r;
}

// Verifies and decodes; a response when the request is refused.
std::variant<std::vector<std::pair<std::string, std::string>>, http_response> verified_form(
    const slack_endpoint_settings& s, const http_request& req
) {
    const auto sig = verify_slack_signature(
        req.header("x-slack-request-timestamp"),
        req.header("x-slack-signature"),
        req.body,
        s.signing_secret,
        std::chrono::system_clock::now(),
        s.tolerance
    );
    if (sig.status != signature_status::ok) {
        log().warn(
            "Slack request rejected", {{"request_id", req.request_id}, {"reason", sig.error}}
        );
        return http_response::error(401, sig.error, sig.message);
    }
    auto form = parse_form(req.body);
    if (!form) {
        return bad_field("body", "the body is not valid application/x-www-form-urlencoded");
    }
    return std::move(*form);
}

}  // namespace

server::handler slack_interactions(
    slack_endpoint_settings settings, adapters::postgres::database& db
) {
    return [settings = std::move(settings),
            &db](const http_request& req) -> boost::asio::awaitable<http_response> {
        auto checked = verified_form(settings, req);
        if (auto* refused = std::get_if<http_response>(&checked)) {
            co_return std::move(*refused);
        }
        const auto& form = std::get<0>(checked);
        const auto raw = form_value(form, "payload");
        if (!raw) {
            co_return bad_field("payload", "payload: missing");
        }
        std::error_code ec;
        const auto payload = json::parse(*raw, ec);
        if (ec || !payload.is_object()) {
            co_return bad_field("payload", "payload: not a JSON object");
        }
        const auto type = text_at(payload, {"type"});
        const auto user = text_at(payload, {"user", "id"});
        if (user.empty()) {
            co_return bad_field("payload.user.id", "payload.user.id: missing");
        }
        json::object job{{"user", user}};
        std::string request_id;
        std::string key;
        if (type == "block_actions") {
            const auto* actions = payload.as_object().if_contains("actions");
            if (actions == nullptr || !actions->is_array() || actions->get_array().empty()) {
                co_return bad_field("payload.actions", "payload.actions: expected one action");
            }
            const auto& action = actions->get_array().front();
            const auto action_id = text_at(action, {"action_id"});
            if (std::find(button_actions.begin(), button_actions.end(), action_id) ==
                button_actions.end()) {
                co_return bad_field(
                    "payload.actions[0].action_id",
                    "payload.actions[0].action_id: not a refundbot button"
                );
            }
            request_id = text_at(action, {"value"});
            if (request_id.empty()) {
                co_return bad_field(
                    "payload.actions[0].value", "payload.actions[0].value: missing"
                );
            }
            job["action"] = action_id.substr(std::string_view("refund_").size());
            job["trigger_id"] = text_at(payload, {"trigger_id"});
            job["response_url"] = text_at(payload, {"response_url"});
            job["channel"] = text_at(payload, {"container", "channel_id"});
            job["message_ts"] = text_at(payload, {"container", "message_ts"});
            key = user + ":" + text_at(action, {"action_ts"});
        } else if (type == "view_submission") {
            if (text_at(payload, {"view", "callback_id"}) != "refund_deny") {
                co_return bad_field(
                    "payload.view.callback_id", "payload.view.callback_id: unknown view"
                );
            }
            std::error_code mec;
            const auto meta = json::parse(text_at(payload, {"view", "private_metadata"}), mec);
            request_id = mec ? std::string() : text_at(meta, {"request_id"});
            if (request_id.empty()) {
                co_return bad_field(
                    "payload.view.private_metadata", "payload.view.private_metadata: no request id"
                );
            }
            const auto reason = text_at(
                payload,
                {"view", "state", "values", "deny_reason", "reason", "selected_option", "value"}
            );
            if (reason.empty()) {
                // Slack shows this under the field and keeps the modal open.
                co_return http_response::json(
                    200,
                    R"({"response_action":"errors","errors":{"deny_reason":"Choose a reason"}})"
                );
            }
            job["action"] = "deny_submit";
            job["reason"] = reason;
            job["note"] =
                text_at(payload, {"view", "state", "values", "deny_note", "note", "value"});
            job["channel"] = text_at(meta, {"channel"});
            job["message_ts"] = text_at(meta, {"ts"});
            key = user + ":view:" + text_at(payload, {"view", "id"});
        } else {
            log().info("Slack interaction ignored", {{"type", type}});
            co_return http_response::text(200, "");
        }
        bool known = false;
        try {
            co_await db.async_run([&](pqxx::connection_base& cx) {
                known = adapters::postgres::enqueue_job_now(
                    cx, "slack_action", request_id, key, json::serialize(job)
                );
            });
        } catch (const std::exception& e) {
            log().error("cannot queue a Slack interaction", {{"error", e.what()}});
            co_return http_response::error(
                503, "unavailable", "the click was not recorded; try again"
            );
        }
        if (!known) {
            co_return http_response::error(
                404, "unknown_request", "no refund request " + request_id
            );
        }
        co_return http_response::text(200, "");
    };
}

server::handler slack_commands(slack_endpoint_settings settings, adapters::postgres::database& db) {
    return [settings = std::move(settings),
            &db](const http_request& req) -> boost::asio::awaitable<http_response> {
        if (req.body == "ssl_check=1" || req.body.starts_with("ssl_check=1&")) {
            co_return http_response::text(200, "");  // Slack's TLS probe is not signed
        }
        auto checked = verified_form(settings, req);
        if (auto* refused = std::get_if<http_response>(&checked)) {
            co_return std::move(*refused);
        }
        const auto& form = std::get<0>(checked);
        const auto user = form_value(form, "user_id").value_or("");
        const auto response_url = form_value(form, "response_url").value_or("");
        if (user.empty()) {
            co_return bad_field("user_id", "user_id: missing");
        }
        if (response_url.empty()) {
            co_return bad_field("response_url", "response_url: missing");
        }
        const auto text = form_value(form, "text").value_or("");
        const auto verb = text.substr(0, text.find(' '));
        if (verb != "audit" && verb != "status" && verb != "pending" && verb != "stats") {
            co_return http_response::json(
                200,
                json::serialize(json::object{
                    {"response_type", "ephemeral"},
                    {"text",
                     "Usage: `/refund audit <request, order or ticket id>` (audit trail), "
                     "`/refund status <id>`, `/refund pending` (oldest first), "
                     "`/refund stats [today|7d|30d]`, `/refund help`."}})
            );
        }
        const json::object job{
            {"user", user},
            {"text", text},
            {"response_url", response_url},
            {"channel", form_value(form, "channel_id").value_or("")}};
        try {
            co_await db.async_run([&](pqxx::connection_base& cx) {
                (void)adapters::postgres::enqueue_job_now(
                    cx,
                    "slack_command",
                    "",
                    form_value(form, "trigger_id").value_or(req.request_id),
                    json::serialize(job)
                );
            });
        } catch (const std::exception& e) {
            log().error("cannot queue a Slack command", {{"error", e.what()}});
            co_return http_response::error(503, "unavailable", "try again in a moment");
        }
        co_return http_response::json(
            200, R"({"response_type":"ephemeral","text":"Looking that up..."})"
        );
    };
}

}  // namespace refundbot::bot::handlers
