#pragma once

#include "bot/sandbox/workspace.hpp"
#include "bot/server/router.hpp"

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::sandbox {

/// Sandbox mode's Slack: the Web API methods refundbot calls, answered on the service's own
/// address under `/sandbox/slack/api/` in Slack's wire format (HTTP 200 with `ok` and
/// `error`), and interaction response_urls under `/sandbox/slack/respond?to=<token>`.
/// Like Slack it refuses a wrong token (`invalid_auth`), an unknown channel
/// (`channel_not_found`), a message without text or blocks (`no_text`) and blocks Slack
/// would reject (`invalid_blocks`, with the reasons in `response_metadata.messages`).
/// Everything accepted is stored for the review console.
void add_slack_sink(server::router& routes, const workspace& ws, adapters::postgres::database& db);

}  // namespace refundbot::bot::sandbox
