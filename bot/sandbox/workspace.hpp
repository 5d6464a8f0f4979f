#pragma once

#include "pipeline/core/secret.hpp"

#include <string>
#include <vector>

namespace refundbot::bot::sandbox {

/// Someone the review console can act as.
struct console_user {
    std::string id;    ///< Slack user id
    std::string role;  ///< "approver up to USD 2,000.00", "viewer", "not a reviewer"
};

/// The Slack workspace sandbox mode pretends to be: the bot's token and the app's signing
/// secret (random per start), the channels the bot may post to, and the console's users.
struct workspace {
    std::string bot_token;
    pipeline::core::secret signing_secret;
    std::string review_channel;
    std::string summary_channel;
    std::string alerts_channel;
    std::string summary_timezone = "UTC";
    std::vector<console_user> users;

    [[nodiscard]] bool knows_channel(const std::string& id) const {
        return !id.empty() &&
               (id == review_channel || id == summary_channel || id == alerts_channel);
    }
};

/// The Slack Web API base URL the bot uses in sandbox mode, on the service's own address.
[[nodiscard]] inline std::string sink_api_url(const std::string& host, unsigned port) {
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
           "/sandbox/slack/api";
}

}  // namespace refundbot::bot::sandbox
