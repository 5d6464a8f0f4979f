#include "bot/sandbox/slack_sink.hpp"

#include "adapters/crypto/crypto.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/sandbox_store.hpp"
#include "bot/handlers/slack_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <functional>
#include <variant>

namespace refundbot::bot::sandbox {

namespace json = boost::json;
namespace postgres = adapters::postgres;
using server::http_request;
using server::http_response;

namespace {

http_response slack_error(std::string_view error, std::vector<std::string> messages = {}) {
    json::object body{{"ok", false}, {"error", error}};
    if (!messages.empty()) {
        json::array m;
        for (auto& s : messages) {
            m.emplace_back(std::move(s));
        }
        body["response_metadata"] = json::object{{"messages", std::move(m)}};
    }
    return http_response::json(200, json::serialize(body));
}

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::size_t text_length(const json::value* text_object) {
    if (text_object == nullptr || !text_object->is_object()) {
        return 0;
    }
    return text_of(text_object->get_object(), "text").size();
}

// Slack's documented Block Kit limits that refundbot's cards could plausibly reach.
void check_block(const json::value& block, std::size_t i, std::vector<std::string>& problems) {
    const auto at = "blocks[" + std::to_string(i) + "]";
    if (!block.is_object() || text_of(block.get_object(), "type").empty()) {
        problems.push_back("[ERROR] missing required field: type [json-pointer:/" + at + "]");
        return;
    }
    const auto& b = block.get_object();
    const auto type = text_of(b, "type");
    auto too_long = [&](std::string_view what, std::size_t n, std::size_t max) {
        if (n > max) {
            problems.push_back(
                "[ERROR] must be less than " + std::to_string(max + 1) + " characters [" + at +
                "." + std::string(what) + "]"
            );
        }
    };
    if (type == "header") {
        too_long("text", text_length(b.if_contains("text")), 150);
    } else if (type == "section") {
        too_long("text", text_length(b.if_contains("text")), 3000);
        if (const auto* fields = b.if_contains("fields"); fields != nullptr && fields->is_array()) {
            if (fields->get_array().size() > 10) {
                problems.push_back(
                    "[ERROR] must provide no more than 10 items [" + at + ".fields]"
                );
            }
            for (const auto& f : fields->get_array()) {
                too_long("fields", text_length(&f), 2000);
            }
        }
        if (b.if_contains("text") == nullptr && b.if_contains("fields") == nullptr) {
            problems.push_back("[ERROR] must provide text or fields [" + at + "]");
        }
    } else if (type == "actions" || type == "context") {
        const auto* elements = b.if_contains("elements");
        const std::size_t max = type == "actions" ? 25 : 10;
        if (elements == nullptr || !elements->is_array() || elements->get_array().empty() ||
            elements->get_array().size() > max) {
            problems.push_back(
                "[ERROR] must provide 1 to " + std::to_string(max) + " elements [" + at + "]"
            );
            return;
        }
        for (const auto& e : elements->get_array()) {
            if (!e.is_object()) {
                continue;
            }
            const auto& el = e.get_object();
            if (text_of(el, "type") == "button") {
                too_long("elements.text", text_length(el.if_contains("text")), 75);
                too_long("elements.value", text_of(el, "value").size(), 2000);
                too_long("elements.action_id", text_of(el, "action_id").size(), 255);
            }
        }
    }
}

std::vector<std::string> block_problems(const json::object& message) {
    std::vector<std::string> problems;
    const auto* blocks = message.if_contains("blocks");
    if (blocks == nullptr) {
        return problems;
    }
    if (!blocks->is_array()) {
        problems.emplace_back("[ERROR] expected an array [json-pointer:/blocks]");
        return problems;
    }
    if (blocks->get_array().size() > 50) {
        problems.emplace_back("[ERROR] no more than 50 items allowed [json-pointer:/blocks]");
    }
    std::size_t i = 0;
    for (const auto& b : blocks->get_array()) {
        check_block(b, i++, problems);
    }
    return problems;
}

bool has_text_or_blocks(const json::object& m) {
    const auto* blocks = m.if_contains("blocks");
    return !text_of(m, "text").empty() ||
           (blocks != nullptr && blocks->is_array() && !blocks->get_array().empty());
}

// The Web API's common checks: the bot token, then a JSON object body for writes.
std::variant<json::object, http_response> authorized(const workspace& ws, const http_request& req) {
    const auto auth = req.header("authorization").value_or("");
    if (!auth.starts_with("Bearer ")) {
        return slack_error("not_authed");
    }
    if (!adapters::crypto::constant_time_equal(auth.substr(7), ws.bot_token)) {
        return slack_error("invalid_auth");
    }
    if (req.method == "GET") {
        json::object args;
        if (auto form = handlers::parse_form(req.query)) {
            for (auto& [k, v] : *form) {
                args[k] = v;
            }
        }
        return args;
    }
    if (!req.header("content-type").value_or("").starts_with("application/json")) {
        return slack_error("invalid_form_data");
    }
    std::error_code ec;
    auto body = json::parse(req.body, ec);
    if (ec || !body.is_object()) {
        return slack_error("invalid_json");
    }
    return std::move(body.as_object());
}

using method_body =
    std::function<boost::asio::awaitable<http_response>(json::object args, const http_request&)>;

server::handler web_api_method(const workspace& ws, method_body body) {
    return [&ws, body = std::move(body)](const http_request& req
           ) -> boost::asio::awaitable<http_response> {
        auto checked = authorized(ws, req);
        if (auto* refused = std::get_if<http_response>(&checked)) {
            co_return std::move(*refused);
        }
        co_return co_await body(std::move(std::get<json::object>(checked)), req);
    };
}

http_response ok(json::object body) {
    body["ok"] = true;
    return http_response::json(200, json::serialize(body));
}

}  // namespace

void add_slack_sink(server::router& routes, const workspace& ws, postgres::database& db) {
    const std::string api = "/sandbox/slack/api/";
    routes.add(
        "POST",
        api + "auth.test",
        web_api_method(
            ws,
            [](json::object, const http_request&) -> boost::asio::awaitable<http_response> {
                co_return ok(
                    {{"url", "https://refundbot-sandbox.slack.invalid/"},
                     {"team", "refundbot sandbox"},
                     {"user", "refundbot"},
                     {"team_id", "T0SANDBOX"},
                     {"user_id", "U0REFUNDBOT"},
                     {"bot_id", "B0REFUNDBOT"}}
                );
            }
        )
    );
    routes.add(
        "POST",
        api + "chat.postMessage",
        web_api_method(
            ws,
            [&ws,
             &db](json::object m, const http_request&) -> boost::asio::awaitable<http_response> {
                const auto channel = text_of(m, "channel");
                if (!ws.knows_channel(channel)) {
                    co_return slack_error("channel_not_found");
                }
                if (!has_text_or_blocks(m)) {
                    co_return slack_error("no_text");
                }
                if (auto problems = block_problems(m); !problems.empty()) {
                    co_return slack_error("invalid_blocks", std::move(problems));
                }
                postgres::sandbox_post post{
                    postgres::sandbox_post_kind::message,
                    channel,
                    text_of(m, "thread_ts"),
                    {},
                    {},
                    {}};
                m.erase("channel");
                post.body = json::serialize(m);
                postgres::sandbox_posted posted;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    posted = postgres::add_sandbox_post(cx, post);
                });
                m["ts"] = posted.ts;
                m["type"] = "message";
                m["bot_id"] = "B0REFUNDBOT";
                co_return ok({{"channel", channel}, {"ts", posted.ts}, {"message", std::move(m)}});
            }
        )
    );
    routes.add(
        "POST",
        api + "chat.update",
        web_api_method(
            ws,
            [&ws,
             &db](json::object m, const http_request&) -> boost::asio::awaitable<http_response> {
                const auto channel = text_of(m, "channel");
                const auto ts = text_of(m, "ts");
                if (!ws.knows_channel(channel)) {
                    co_return slack_error("channel_not_found");
                }
                if (ts.empty()) {
                    co_return slack_error("message_not_found");
                }
                if (!has_text_or_blocks(m)) {
                    co_return slack_error("no_text");
                }
                if (auto problems = block_problems(m); !problems.empty()) {
                    co_return slack_error("invalid_blocks", std::move(problems));
                }
                m.erase("channel");
                m.erase("ts");
                bool found = false;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    found = postgres::update_sandbox_message(cx, channel, ts, json::serialize(m));
                });
                if (!found) {
                    co_return slack_error("message_not_found");
                }
                co_return ok({{"channel", channel}, {"ts", ts}, {"text", text_of(m, "text")}});
            }
        )
    );
    routes.add(
        "POST",
        api + "chat.postEphemeral",
        web_api_method(
            ws,
            [&ws,
             &db](json::object m, const http_request&) -> boost::asio::awaitable<http_response> {
                const auto channel = text_of(m, "channel");
                const auto user = text_of(m, "user");
                if (!ws.knows_channel(channel)) {
                    co_return slack_error("channel_not_found");
                }
                if (user.empty()) {
                    co_return slack_error("user_not_in_channel");
                }
                if (!has_text_or_blocks(m)) {
                    co_return slack_error("no_text");
                }
                postgres::sandbox_post post{
                    postgres::sandbox_post_kind::ephemeral,
                    channel,
                    text_of(m, "thread_ts"),
                    user,
                    {},
                    {}};
                m.erase("channel");
                m.erase("user");
                post.body = json::serialize(m);
                postgres::sandbox_posted posted;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    posted = postgres::add_sandbox_post(cx, post);
                });
                co_return ok({{"message_ts", std::to_string(posted.id) + ".000000"}});
            }
        )
    );
    routes.add(
        "POST",
        api + "views.open",
        web_api_method(
            ws,
            [&db](json::object m, const http_request&) -> boost::asio::awaitable<http_response> {
                const auto trigger = text_of(m, "trigger_id");
                const auto* view = m.if_contains("view");
                if (trigger.empty()) {
                    co_return slack_error("invalid_trigger_id");
                }
                if (view == nullptr || !view->is_object() ||
                    text_of(view->get_object(), "type") != "modal") {
                    co_return slack_error("invalid_arguments");
                }
                auto v = view->get_object();
                if (auto problems = block_problems(v); !problems.empty()) {
                    co_return slack_error("invalid_blocks", std::move(problems));
                }
                postgres::sandbox_posted posted;
                co_await db.async_run([&](pqxx::connection_base& cx) {
                    posted = postgres::add_sandbox_post(
                        cx,
                        {postgres::sandbox_post_kind::view, {}, {}, {}, trigger, json::serialize(v)}
                    );
                });
                v["id"] = "V" + std::to_string(posted.id);
                co_return ok({{"view", std::move(v)}});
            }
        )
    );
    routes.add(
        "GET",
        api + "chat.getPermalink",
        web_api_method(
            ws,
            [&ws](json::object args, const http_request&) -> boost::asio::awaitable<http_response> {
                const auto channel = text_of(args, "channel");
                if (!ws.knows_channel(channel)) {
                    co_return slack_error("channel_not_found");
                }
                co_return ok(
                    {{"channel", channel},
                     {"permalink", "/sandbox#" + channel + "-" + text_of(args, "message_ts")}}
                );
            }
        )
    );
    routes.add(
        "GET",
        api + "usergroups.users.list",
        web_api_method(
            ws,
            [](json::object, const http_request&) -> boost::asio::awaitable<http_response> {
                co_return slack_error("no_such_subteam");  // the sandbox workspace has no groups
            }
        )
    );
    routes.add(
        "POST",
        "/sandbox/slack/respond",
        [&db](const http_request& req) -> boost::asio::awaitable<http_response> {
            const auto query = handlers::parse_form(req.query);
            const auto token = query ? handlers::form_value(*query, "to") : std::nullopt;
            if (!token || token->empty() || token->size() > 64) {
                co_return http_response::text(404, "no_response_url");
            }
            std::error_code ec;
            const auto body = json::parse(req.body, ec);
            if (ec || !body.is_object()) {
                co_return slack_error("invalid_json");
            }
            co_await db.async_run([&](pqxx::connection_base& cx) {
                (void)postgres::add_sandbox_post(
                    cx, {postgres::sandbox_post_kind::response, {}, {}, {}, *token, req.body}
                );
            });
            co_return ok({});
        }
    );
}

}  // namespace refundbot::bot::sandbox
