#pragma once

#include "adapters/zendesk/webhooks.hpp"
#include "bot/server/router.hpp"
#include "pipeline/core/secret.hpp"

#include <chrono>

namespace refundbot::adapters::postgres {
class request_store;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

struct zendesk_webhook_settings {
    pipeline::core::secret secret;
    std::chrono::seconds tolerance{300};
    adapters::zendesk::ticket_settings ticket;
};

/// `POST /webhooks/zendesk`: a ticket rendered through deploy/zendesk/webhook-body.json,
/// signed by Zendesk. A new ticket becomes request `zendesk-<id>` (202); the same invocation
/// again answers 200 and stores nothing; an update of a ticket whose request waits for
/// evidence and that carries attachments not seen before adds them and decides again (202);
/// any other update of a known ticket is acknowledged and ignored (200), so Zendesk does not
/// retry it. 401 for a missing, stale or wrong signature, 422 naming each bad field, 503
/// when nothing could be stored.
[[nodiscard]] server::handler zendesk_webhook(
    zendesk_webhook_settings settings, adapters::postgres::request_store& store
);

}  // namespace refundbot::bot::handlers
