#include "bot/sandbox/console.hpp"

#include "adapters/postgres/database.hpp"
#include "adapters/postgres/sandbox_store.hpp"
#include "bot/handlers/slack_request.hpp"

#include "templates/templates.hpp"
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace refundbot::bot::sandbox {

namespace json = boost::json;
namespace postgres = adapters::postgres;
using server::http_request;
using server::http_response;

namespace {

server::handler asset(std::string name, std::string content_type) {
    return [name = std::move(name),
            content_type = std::move(content_type
            )](const http_request&) -> boost::asio::awaitable<http_response> {
        http_response r;
        r.content_type = content_type;
        r.body = std::string(templates::get(name));
        // Everything the page needs comes from here; nothing else may load or run.
        r.headers = {
            {"Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"},
            {"Cache-Control", "no-store"},
            {"X-Content-Type-Options", "nosniff"}};
        co_return r;
    };
}

json::object workspace_json(const workspace& ws) {
    json::array users;
    for (const auto& u : ws.users) {
        users.push_back(json::object{{"id", u.id}, {"role", u.role}});
    }
    return {
        {"team_id", "T0SANDBOX"},
        {"team_domain", "refundbot-sandbox"},
        {"api_app_id", "A0SANDBOX"},
        {"bot_user", "U0REFUNDBOT"},
        {"review_channel", ws.review_channel},
        {"summary_channel", ws.summary_channel},
        {"alerts_channel", ws.alerts_channel},
        {"users", std::move(users)},
        {"response_url", "/sandbox/slack/respond?to="}};
}

}  // namespace

void add_review_console(server::router& routes, const workspace& ws, postgres::database& db) {
    routes.add("GET", "/sandbox", asset("sandbox/console.html", "text/html; charset=utf-8"))
        .add(
            "GET",
            "/sandbox/console.js",
            asset("sandbox/console.js", "text/javascript; charset=utf-8")
        )
        .add("GET", "/sandbox/console.css", asset("sandbox/console.css", "text/css; charset=utf-8"))
        .add(
            "GET",
            "/sandbox/api/workspace",
            [body = json::serialize(workspace_json(ws)
             )](const http_request&) -> boost::asio::awaitable<http_response> {
                co_return http_response::json(200, body);
            }
        )
        .add(
            "GET",
            "/sandbox/api/posts",
            [&db](const http_request&) -> boost::asio::awaitable<http_response> {
                std::string posts;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    posts = postgres::sandbox_posts_json(cx, 500);
                });
                co_return http_response::json(200, std::move(posts));
            }
        )
        .add(
            "GET",
            "/sandbox/api/requests",
            [&db](const http_request&) -> boost::asio::awaitable<http_response> {
                std::string rows;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    rows = postgres::sandbox_requests_json(cx, 200);
                });
                co_return http_response::json(200, std::move(rows));
            }
        )
        .add(
            "POST",
            "/sandbox/api/sign",
            // The page cannot hold the signing secret in a real deployment's sense, but this is
            // sandbox mode on loopback with a secret made at start: signing here lets the page
            // send exactly what Slack would, to the real endpoints.
            [&ws](const http_request& req) -> boost::asio::awaitable<http_response> {
                const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch()
                )
                                     .count();
                co_return http_response::json(
                    200,
                    json::serialize(json::object{
                        {"timestamp", std::to_string(now)},
                        {"signature",
                         handlers::sign_slack_request(ws.signing_secret.reveal(), now, req.body)}})
                );
            }
        )
        .add(
            "POST",
            "/sandbox/api/summary",
            [&ws, &db](const http_request& req) -> boost::asio::awaitable<http_response> {
                if (ws.summary_channel.empty()) {
                    co_return http_response::error(
                        409, "no_summary_channel", "slack.summary_channel is not set"
                    );
                }
                std::string day;
                // "<day>#<request id>": a preview of the day so far, one per click; the
                // scheduled summary of the day still follows.
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    day = postgres::queue_summary_preview(cx, ws.summary_timezone, req.request_id);
                });
                co_return http_response::json(
                    202, json::serialize(json::object{{"queued", true}, {"day", day}})
                );
            }
        );
}

}  // namespace refundbot::bot::sandbox
