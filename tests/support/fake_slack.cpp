#include "tests/support/fake_slack.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::tests {

namespace json = boost::json;
using bot::server::http_request;
using bot::server::http_response;

namespace {

std::size_t chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

std::string text_of(const json::value* text_object) {
    if (text_object == nullptr || !text_object->is_object()) {
        return {};
    }
    const auto* t = text_object->get_object().if_contains("text");
    return t != nullptr && t->is_string() ? std::string(t->get_string()) : std::string();
}

// Slack's documented Block Kit limits (../shared/reference/slack.md section 4); "" when fine.
std::string check_blocks(const json::object& message, std::size_t max_blocks) {
    const auto* blocks = message.if_contains("blocks");
    if (blocks == nullptr) {
        return {};
    }
    if (!blocks->is_array() || blocks->get_array().size() > max_blocks) {
        return "too many blocks";
    }
    for (const auto& b : blocks->get_array()) {
        const auto type = b.at("type").as_string();
        if (type == "header" && (chars(text_of(b.as_object().if_contains("text"))) > 150)) {
            return "header text over 150";
        }
        if (type == "section") {
            const auto* text = b.as_object().if_contains("text");
            if (text != nullptr) {
                const auto t = text_of(text);
                if (t.empty() || chars(t) > 3000) {
                    return "section text empty or over 3000";
                }
            }
            if (const auto* fields = b.as_object().if_contains("fields")) {
                if (fields->as_array().size() > 10) {
                    return "more than 10 fields";
                }
                for (const auto& f : fields->as_array()) {
                    const auto t = text_of(&f);
                    if (t.empty() || chars(t) > 2000) {
                        return "field empty or over 2000";
                    }
                }
            }
        }
        if (type == "actions") {
            const auto& elements = b.at("elements").as_array();
            if (elements.empty() || elements.size() > 25) {
                return "actions elements count";
            }
            for (const auto& e : elements) {
                if (chars(text_of(e.as_object().if_contains("text"))) > 75) {
                    return "button text over 75";
                }
                if (const auto* v = e.as_object().if_contains("value");
                    v != nullptr && chars(v->as_string()) > 2000) {
                    return "button value over 2000";
                }
            }
        }
    }
    return {};
}

http_response slack_json(const json::object& body) {
    return http_response::json(200, json::serialize(body));
}

}  // namespace

fake_slack::fake_slack(std::string token)
    : token_(std::move(token)), server_([this](const http_request& req) { return handle(req); }) {}

std::vector<fake_slack::call> fake_slack::calls(const std::string& method) const {
    std::lock_guard lock(mutex_);
    std::vector<call> out;
    for (const auto& c : calls_) {
        if (method.empty() || c.method == method) {
            out.push_back(c);
        }
    }
    return out;
}

std::vector<std::string> fake_slack::rejections() const {
    std::lock_guard lock(mutex_);
    return rejections_;
}

void fake_slack::throttle_posts(int n, int seconds) {
    std::lock_guard lock(mutex_);
    throttled_ = n;
    retry_after_ = seconds;
}

void fake_slack::set_group_members(std::string group, std::vector<std::string> users) {
    std::lock_guard lock(mutex_);
    groups_[std::move(group)] = std::move(users);
}

http_response fake_slack::handle(const http_request& req) {
    std::lock_guard lock(mutex_);
    const auto reject = [&](const std::string& error, const std::string& why) {
        rejections_.push_back(req.path + ": " + why);
        return slack_json({{"ok", false}, {"error", error}});
    };
    if (req.path.starts_with("/response/")) {
        std::error_code ec;
        auto body = json::parse(req.body, ec);
        if (ec || !body.is_object() || !body.as_object().contains("text")) {
            rejections_.push_back("response_url: bad body");
            return http_response::text(400, "invalid_payload");
        }
        calls_.push_back({"response_url", body.as_object()});
        return http_response::text(200, "ok");
    }
    if (!req.path.starts_with("/api/")) {
        return http_response::text(404, "not found");
    }
    const auto method = req.path.substr(5);
    if (req.header("authorization") != "Bearer " + token_) {
        return reject("invalid_auth", "bad or missing bearer token");
    }
    json::object body;
    if (req.method == "POST") {
        if (!req.header("content-type").value_or("").starts_with("application/json")) {
            return reject("invalid_arguments", "JSON body without application/json");
        }
        std::error_code ec;
        auto parsed = json::parse(req.body.empty() ? "{}" : req.body, ec);
        if (ec || !parsed.is_object()) {
            return reject("invalid_json", "body is not a JSON object");
        }
        body = parsed.as_object();
    }
    const auto need = [&](std::initializer_list<const char*> keys) -> std::string {
        for (const auto* k : keys) {
            const auto* v = body.if_contains(k);
            if (v == nullptr || (v->is_string() && v->get_string().empty())) {
                return k;
            }
        }
        return {};
    };
    if (method == "auth.test") {
        calls_.push_back({method, body});
        return slack_json({{"ok", true}, {"team", "Test"}, {"user_id", "UBOT"}});
    }
    if (method == "chat.postMessage" || method == "chat.update" || method == "chat.postEphemeral") {
        const auto missing = method == "chat.update"          ? need({"channel", "ts", "text"})
                             : method == "chat.postEphemeral" ? need({"channel", "user", "text"})
                                                              : need({"channel", "text"});
        if (!missing.empty()) {
            return reject("invalid_arguments", method + " without " + missing);
        }
        if (auto problem = check_blocks(body, 50); !problem.empty()) {
            return reject("invalid_blocks", problem);
        }
        if (method == "chat.postMessage" && throttled_ > 0) {
            --throttled_;
            calls_.push_back({"throttled", body});
            auto r = slack_json({{"ok", false}, {"error", "ratelimited"}});
            r.status = 429;
            r.headers.emplace_back("Retry-After", std::to_string(retry_after_));
            return r;
        }
        calls_.push_back({method, body});
        const auto ts = method == "chat.update" ? std::string(body.at("ts").as_string())
                                                : std::to_string(++ts_) + ".000100";
        return slack_json({{"ok", true}, {"channel", body.at("channel")}, {"ts", ts}});
    }
    if (method == "views.open") {
        if (!need({"trigger_id"}).empty() || !body.contains("view")) {
            return reject("invalid_arguments", "views.open without trigger_id or view");
        }
        const auto& view = body.at("view").as_object();
        if (chars(text_of(view.if_contains("title"))) > 24 || !view.contains("submit")) {
            return reject("invalid_arguments", "modal title over 24 or no submit");
        }
        if (auto problem = check_blocks(view, 100); !problem.empty()) {
            return reject("invalid_blocks", problem);
        }
        calls_.push_back({method, body});
        return slack_json({{"ok", true}, {"view", {{"id", "V1"}}}});
    }
    if (method.starts_with("chat.getPermalink") || method.starts_with("usergroups.users.list")) {
        calls_.push_back({method, body});
        if (method.starts_with("chat.getPermalink")) {
            return slack_json(
                {{"ok", true}, {"permalink", "https://example.slack.com/archives/C1/p" + req.query}}
            );
        }
        const auto eq = req.query.find("usergroup=");
        const auto group = eq == std::string::npos ? "" : req.query.substr(eq + 10);
        json::array users;
        for (const auto& u : groups_[group]) {
            users.push_back(json::string(u));
        }
        return slack_json({{"ok", true}, {"users", users}});
    }
    return reject("unknown_method", "unknown method " + method);
}

}  // namespace refundbot::tests
