#pragma once

#include "pipeline/core/secret.hpp"
#include "pipeline/ports/helpdesk.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace refundbot::adapters::http {
class client;
}  // namespace refundbot::adapters::http

namespace refundbot::adapters::zendesk {

struct zendesk_settings {
    std::string base_url;  ///< https://<subdomain>.zendesk.com
    std::string email;     ///< the API token's agent, for Basic auth
    pipeline::core::secret api_token;
    pipeline::core::secret oauth_token;  ///< used instead of email/api_token when set

    [[nodiscard]] bool enabled() const {
        return !base_url.empty() && (!oauth_token.empty() || !api_token.empty());
    }
};

/// Zendesk could not take the update now (unreachable, 429 beyond what a worker waits, 5xx):
/// the job retries later, so nothing is lost.
class unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The Zendesk ticket number in a request's ticket id ("48213", "ZD-48213", "#48213").
[[nodiscard]] std::optional<std::string> ticket_number(std::string_view ticket_id);

/// Public replies and internal notes through `PUT /api/v2/tickets/{id}.json`. Each update
/// first reads the ticket: its tags are merged with the new ones (Zendesk replaces the whole
/// list on update) and an update whose marker tag is already there is not sent again.
/// @par Thread safety
/// Every method may be called from any thread.
class zendesk_tickets final : public pipeline::ports::customer_notifier,
                              public pipeline::ports::ticket_updater {
public:
    zendesk_tickets(http::client& http, zendesk_settings settings);

    void notify_customer(const pipeline::ports::ticket_comment& reply) override;
    void add_internal_note(const pipeline::ports::ticket_comment& note) override;

private:
    void comment(const pipeline::ports::ticket_comment& c, bool is_public);
    [[nodiscard]] std::string authorization() const;

    http::client& http_;
    zendesk_settings settings_;
};

}  // namespace refundbot::adapters::zendesk
