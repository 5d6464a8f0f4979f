#include "adapters/slack/web_api.hpp"

#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <thread>

namespace refundbot::adapters::slack {

namespace json = boost::json;

namespace {

const telemetry::logger& log() {
    static const telemetry::logger l("slack");
    return l;
}

}  // namespace

web_api::web_api(http::client& http, slack_settings settings, telemetry::metrics_registry& metrics)
    : http_(http),
      settings_(std::move(settings)),
      errors_(metrics.counter(
          "refundbot_slack_api_errors_total",
          "Slack Web API calls answered ok:false (or a non-200 status), by method and error.",
          {"method", "error"}
      )),
      calls_(metrics.counter(
          "refundbot_slack_api_calls_total", "Slack Web API calls made, by method.", {"method"}
      )) {}

api_result web_api::finish(const std::string& method, unsigned status, const std::string& body) {
    if (status == 429 || status >= 500) {
        errors_.add({method, "http_" + std::to_string(status)});
        throw unavailable("Slack " + method + " answered HTTP " + std::to_string(status));
    }
    api_result out;
    std::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        out.error = status == 200 ? "invalid_response" : "http_" + std::to_string(status);
    } else {
        out.body = std::move(doc.get_object());
        const auto* ok = out.body.if_contains("ok");
        out.ok = status == 200 && ok != nullptr && ok->is_bool() && ok->get_bool();
        if (!out.ok) {
            const auto* err = out.body.if_contains("error");
            out.error = err != nullptr && err->is_string() ? std::string(err->get_string())
                                                           : "http_" + std::to_string(status);
        }
    }
    if (!out.ok) {
        errors_.add({method, out.error});
        log().warn("Slack API call failed", {{"method", method}, {"error", out.error}});
    }
    return out;
}

api_result web_api::call(const std::string& method, const json::object& args) {
    calls_.add({method});
    http::request r;
    r.method = "POST";
    r.url = http::join_url(settings_.api_base_url, method);
    r.headers = {
        {"Authorization", "Bearer " + std::string(settings_.bot_token.reveal())},
        {"Content-Type", "application/json; charset=utf-8"},
    };
    r.body = json::serialize(args);
    try {
        const auto reply = http_.send(r);
        return finish(method, reply.status, reply.body);
    } catch (const http::transport_error& e) {
        errors_.add({method, "transport"});
        throw unavailable("Slack " + method + ": " + e.what());
    }
}

api_result web_api::get(
    const std::string& method, const std::vector<std::pair<std::string, std::string>>& args
) {
    calls_.add({method});
    http::request r;
    r.method = "GET";
    r.idempotent = true;
    r.url = http::join_url(settings_.api_base_url, method);
    char sep = '?';
    for (const auto& [k, v] : args) {
        r.url += sep + http::form_escape(k) + "=" + http::form_escape(v);
        sep = '&';
    }
    r.headers = {{"Authorization", "Bearer " + std::string(settings_.bot_token.reveal())}};
    try {
        const auto reply = http_.send(r);
        return finish(method, reply.status, reply.body);
    } catch (const http::transport_error& e) {
        errors_.add({method, "transport"});
        throw unavailable("Slack " + method + ": " + e.what());
    }
}

void web_api::pace(const std::string& channel) {
    std::chrono::steady_clock::time_point slot;
    {
        std::lock_guard lock(pace_mutex_);
        const auto now = std::chrono::steady_clock::now();
        auto& next = next_post_[channel];
        slot = std::max(now, next);
        next = slot + settings_.post_interval;
    }
    std::this_thread::sleep_until(slot);
}

api_result web_api::auth_test() {
    return call("auth.test", {});
}

api_result web_api::post_message(const std::string& channel, json::object message) {
    pace(channel);
    message["channel"] = channel;
    return call("chat.postMessage", message);
}

api_result web_api::update(
    const std::string& channel, const std::string& ts, json::object message
) {
    message["channel"] = channel;
    message["ts"] = ts;
    return call("chat.update", message);
}

api_result web_api::post_ephemeral(
    const std::string& channel, const std::string& user, json::object message
) {
    message["channel"] = channel;
    message["user"] = user;
    return call("chat.postEphemeral", message);
}

std::optional<std::string> web_api::permalink(const std::string& channel, const std::string& ts) {
    const auto r = get("chat.getPermalink", {{"channel", channel}, {"message_ts", ts}});
    if (!r.ok) {
        return std::nullopt;
    }
    const auto* link = r.body.if_contains("permalink");
    return link != nullptr && link->is_string() ? std::optional(std::string(link->get_string()))
                                                : std::nullopt;
}

api_result web_api::open_view(const std::string& trigger_id, json::object view) {
    return call("views.open", {{"trigger_id", trigger_id}, {"view", std::move(view)}});
}

api_result web_api::respond(const std::string& response_url, json::object message) {
    calls_.add({"response_url"});
    http::request r;
    r.method = "POST";
    r.url = response_url;
    r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    r.body = json::serialize(message);
    try {
        const auto reply = http_.send(r);
        // response_url answers `ok` in JSON, or plain "ok" on older paths.
        if (reply.status == 200 && reply.body == "ok") {
            return {true, {}, {}};
        }
        return finish("response_url", reply.status, reply.body);
    } catch (const http::transport_error& e) {
        errors_.add({"response_url", "transport"});
        throw unavailable(std::string("Slack response_url: ") + e.what());
    } catch (const std::invalid_argument& e) {
        errors_.add({"response_url", "bad_url"});
        return {false, "bad_response_url", {}};
    }
}

std::optional<std::vector<std::string>> web_api::usergroup_members(const std::string& usergroup) {
    const auto r = get("usergroups.users.list", {{"usergroup", usergroup}});
    if (!r.ok) {
        return std::nullopt;
    }
    std::vector<std::string> users;
    if (const auto* list = r.body.if_contains("users"); list != nullptr && list->is_array()) {
        for (const auto& u : list->get_array()) {
            if (u.is_string()) {
                users.emplace_back(u.get_string());
            }
        }
    }
    return users;
}

}  // namespace refundbot::adapters::slack
