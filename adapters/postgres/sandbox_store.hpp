#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// What sandbox mode's Slack sink keeps: every message, ephemeral, modal and response_url
/// reply the bot sent, with the JSON body as sent.
enum class sandbox_post_kind { message, ephemeral, view, response };

struct sandbox_post {
    sandbox_post_kind kind = sandbox_post_kind::message;
    std::string channel;
    std::string thread_ts;  ///< empty: not a reply
    std::string user_id;    ///< ephemeral: who sees it
    std::string ref;        ///< view: trigger_id; response: response token
    std::string body;       ///< JSON object
};

/// Stores `post`; @return the new row's id and, for messages, the ts Slack would assign
/// (`<unix seconds>.<6 digits>`, unique).
struct sandbox_posted {
    std::int64_t id = 0;
    std::string ts;
};
sandbox_posted add_sandbox_post(pqxx::connection_base& cx, const sandbox_post& post);

/// Replaces the body of message `ts` in `channel` (chat.update); false when there is none.
bool update_sandbox_message(
    pqxx::connection_base& cx,
    std::string_view channel,
    std::string_view ts,
    const std::string& body
);

/// The latest `limit` posts, oldest first, as a JSON array of
/// `{id, kind, channel, ts, thread_ts, user_id, ref, body, edits, posted_at}`.
[[nodiscard]] std::string sandbox_posts_json(pqxx::connection_base& cx, int limit);

/// Queues a `slack_summary` job for today so far in `timezone` (key `<day>#<tag>`, one per
/// tag); @return the day.
std::string queue_summary_preview(
    pqxx::connection_base& cx, const std::string& timezone, const std::string& tag
);

/// The most recent requests with their state, route, amount and reviewer, as a JSON array.
[[nodiscard]] std::string sandbox_requests_json(pqxx::connection_base& cx, int limit);

}  // namespace refundbot::adapters::postgres
