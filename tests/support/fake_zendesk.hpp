#pragma once

#include "tests/support/fake_http_server.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// A loopback Zendesk Support API for tickets: checks the Authorization header (Basic
/// `email/token:api_token`, or Bearer), the paths and the JSON bodies of
/// `GET|PUT /api/v2/tickets/{id}.json` as Zendesk documents them (422 `RecordInvalid` for a
/// malformed update), keeps each ticket's tags (an update replaces them, as Zendesk does) and
/// comments, and can answer 429 with Retry-After, 503 for a while, or apply an update and then
/// answer 500.
class fake_zendesk {
public:
    explicit fake_zendesk(std::string authorization);

    struct comment {
        std::string body;
        bool is_public = false;
    };
    struct ticket {
        std::vector<std::string> tags;
        std::vector<comment> comments;
    };

    void add_ticket(const std::string& id, std::vector<std::string> tags);
    [[nodiscard]] ticket get(const std::string& id) const;
    /// The next `n` requests answer `status` (429 carries Retry-After: 1).
    void fail_next(int n, unsigned status);
    /// The next update is applied, then answered 500 (the caller cannot know it worked).
    void lose_next_answer();
    [[nodiscard]] std::vector<std::string> rejections() const;
    [[nodiscard]] std::string base_url() const { return server_.base_url(); }

private:
    bot::server::http_response handle(const bot::server::http_request& req);

    std::string authorization_;
    mutable std::mutex mutex_;
    std::map<std::string, ticket> tickets_;
    std::vector<std::string> rejections_;
    int failing_ = 0;
    unsigned fail_status_ = 503;
    bool lose_next_ = false;
    fake_http_server server_;
};

/// One file on a ticket's public comments, as Zendesk's Liquid sees it.
struct zendesk_attachment {
    std::string url;
    std::string filename;
};

/// Renders deploy/zendesk/webhook-body.json as a Zendesk webhook would: each `{{placeholder}}`
/// from `values` (JSON-escaped; missing ones render empty, as Zendesk renders unset fields)
/// and the attachments loop from `attachments`. Fails the test on a placeholder it cannot
/// render.
[[nodiscard]] std::string render_zendesk_body(
    const std::map<std::string, std::string>& values,
    const std::vector<zendesk_attachment>& attachments = {}
);

/// The X-Zendesk-Webhook-* headers for `body` signed with `secret` at `timestamp`.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> zendesk_headers(
    const std::string& secret,
    const std::string& timestamp,
    const std::string& body,
    const std::string& invocation_id
);

/// Now as Zendesk writes it in X-Zendesk-Webhook-Signature-Timestamp (`2021-03-25T05:09:27Z`).
[[nodiscard]] std::string zendesk_now();

}  // namespace refundbot::tests
