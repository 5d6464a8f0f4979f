#pragma once

#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

#include <chrono>

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

struct slack_endpoint_settings {
    pipeline::core::secret signing_secret;
    std::chrono::seconds tolerance{300};
};

/// `POST /slack/interactions`: button clicks (`block_actions`) and the deny modal
/// (`view_submission`). Verifies the signature before parsing, checks the payload, queues a
/// `slack_action` job and answers 200 at once; the job does the work (Slack allows 3 s).
/// 401 for a bad signature, 400 naming the field for a malformed payload, 404 for an unknown
/// request, 503 when the job cannot be stored (Slack shows the clicker an error; nothing
/// happened).
[[nodiscard]] server::handler slack_interactions(
    slack_endpoint_settings settings, adapters::postgres::database& db
);

/// `POST /slack/commands` for `/refund`: `help` is answered directly; `audit`, `status`,
/// `pending` and `stats` are queued as a `slack_command` job that answers through the
/// command's response_url after checking who asked. Unsigned `ssl_check=1` requests get 200.
[[nodiscard]] server::handler slack_commands(
    slack_endpoint_settings settings, adapters::postgres::database& db
);

}  // namespace refundbot::bot::handlers
