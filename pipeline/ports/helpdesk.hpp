#pragma once

#include <string>
#include <vector>

namespace refundbot::pipeline::ports {

/// One comment on a helpdesk ticket. `marker` identifies the update: a helpdesk that already
/// carries it (a retried job whose first try got through) is left unchanged, so a customer
/// never gets the same reply twice.
struct ticket_comment {
    std::string ticket_id;
    std::string marker;
    std::string body;
    std::vector<std::string> tags;  ///< added to the ticket's tags, never replacing them
};

/// Answers the customer where they asked (a public reply on their ticket). Called from job
/// workers; throws when the helpdesk cannot be reached, so the job retries later.
class customer_notifier {
public:
    virtual ~customer_notifier() = default;
    virtual void notify_customer(const ticket_comment& reply) = 0;
};

/// Keeps agents informed (an internal note and tags on the ticket).
class ticket_updater {
public:
    virtual ~ticket_updater() = default;
    virtual void add_internal_note(const ticket_comment& note) = 0;
};

}  // namespace refundbot::pipeline::ports
