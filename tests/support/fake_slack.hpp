#pragma once

#include "tests/support/fake_http_server.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// A loopback Slack Web API: checks the bearer token, the JSON content type and body, each
/// method's required fields and Block Kit's limits on every call (answering `ok:false` with
/// `invalid_auth`, `invalid_arguments` or `invalid_blocks` as Slack would), records what it
/// accepted, and can be told to answer 429 with Retry-After. Also serves response_url posts
/// under /response/...
class fake_slack {
public:
    explicit fake_slack(std::string token = "xoxb-test-token");

    struct call {
        std::string method;  ///< "chat.postMessage", "response_url", ...
        boost::json::object body;
    };
    [[nodiscard]] std::vector<call> calls(const std::string& method = {}) const;
    /// Every rejected call, with the reason (a test asserts there were none).
    [[nodiscard]] std::vector<std::string> rejections() const;
    /// The next `n` chat.postMessage calls answer 429 with Retry-After: `seconds`.
    void throttle_posts(int n, int seconds);
    void set_group_members(std::string group, std::vector<std::string> users);

    [[nodiscard]] std::string api_url() const { return server_.base_url() + "/api"; }
    [[nodiscard]] std::string response_url(const std::string& id) const {
        return server_.base_url() + "/response/" + id;
    }

private:
    bot::server::http_response handle(const bot::server::http_request& req);

    std::string token_;
    mutable std::mutex mutex_;
    std::vector<call> calls_;
    std::vector<std::string> rejections_;
    std::map<std::string, std::vector<std::string>> groups_;
    int throttled_ = 0;
    int retry_after_ = 1;
    std::atomic<long> ts_{1700000000};
    fake_http_server server_;
};

}  // namespace refundbot::tests
