#pragma once

#include "bot/sandbox/workspace.hpp"
#include "bot/server/router.hpp"

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::sandbox {

/// The review console at `/sandbox` (page, script and style from templates/sandbox/) and the
/// small API it uses: `GET /sandbox/api/workspace`, `GET /sandbox/api/posts` (the latest 500),
/// `GET /sandbox/api/requests`, `POST /sandbox/api/sign` (the X-Slack-Signature headers
/// Slack would send with the posted body, so the page itself sends clicks and commands to
/// /slack/interactions and /slack/commands) and `POST /sandbox/api/summary` (posts today's
/// daily summary so far to the summary channel).
void add_review_console(
    server::router& routes, const workspace& ws, adapters::postgres::database& db
);

}  // namespace refundbot::bot::sandbox
