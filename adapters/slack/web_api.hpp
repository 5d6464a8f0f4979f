#pragma once

#include "pipeline/core/secret.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace refundbot::adapters::http {
class client;
}  // namespace refundbot::adapters::http

namespace refundbot::adapters::telemetry {
class counter_family;
class metrics_registry;
}  // namespace refundbot::adapters::telemetry

namespace refundbot::adapters::slack {

struct slack_settings {
    std::string api_base_url = "https://slack.com/api";
    pipeline::core::secret bot_token;  ///< xoxb-...
    /// chat.postMessage to one channel: about one per second (Slack's documented pace).
    std::chrono::milliseconds post_interval{1000};
};

/// What a Web API method answered: `ok`, the error code when not, the whole body.
struct api_result {
    bool ok = false;
    std::string error;  ///< Slack's code (`channel_not_found`), or `http_<status>`
    boost::json::object body;
};

/// Slack could not be reached or asked us to slow down for longer than a worker waits: the
/// job that made the call retries later, so nothing is lost.
class unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The Slack Web API methods refundbot uses, over the shared HTTP client: JSON bodies with
/// `Authorization: Bearer` for writes, query strings for reads; `ok:false` answers logged and
/// counted in `refundbot_slack_api_errors_total{method,error}`; 429 waited out per Retry-After;
/// posts paced per channel.
/// @par Thread safety
/// Every method may be called from any thread.
class web_api {
public:
    web_api(http::client& http, slack_settings settings, telemetry::metrics_registry& metrics);

    /// Calls `method` with a JSON body. @throws unavailable (transport failure, 429 or 5xx).
    [[nodiscard]] api_result call(const std::string& method, const boost::json::object& args);
    /// Calls a read method with its arguments in the query string.
    [[nodiscard]] api_result get(
        const std::string& method, const std::vector<std::pair<std::string, std::string>>& args
    );

    [[nodiscard]] api_result auth_test();
    /// chat.postMessage; `message` holds text, blocks and optionally thread_ts.
    [[nodiscard]] api_result post_message(const std::string& channel, boost::json::object message);
    [[nodiscard]] api_result update(
        const std::string& channel, const std::string& ts, boost::json::object message
    );
    [[nodiscard]] api_result post_ephemeral(
        const std::string& channel, const std::string& user, boost::json::object message
    );
    [[nodiscard]] std::optional<std::string> permalink(
        const std::string& channel, const std::string& ts
    );
    [[nodiscard]] api_result open_view(const std::string& trigger_id, boost::json::object view);
    /// POSTs to an interaction's response_url (no token: the URL is the credential).
    [[nodiscard]] api_result respond(const std::string& response_url, boost::json::object message);
    /// Member user ids of a user group (usergroups.users.list).
    [[nodiscard]] std::optional<std::vector<std::string>> usergroup_members(
        const std::string& usergroup
    );

private:
    api_result finish(const std::string& method, unsigned status, const std::string& body);
    void pace(const std::string& channel);

    http::client& http_;
    slack_settings settings_;
    telemetry::counter_family& errors_;
    telemetry::counter_family& calls_;
    std::mutex pace_mutex_;
    std::map<std::string, std::chrono::steady_clock::time_point> next_post_;
};

}  // namespace refundbot::adapters::slack
