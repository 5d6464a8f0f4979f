#pragma once

#include "bot/orchestrator/job_workers.hpp"

namespace refundbot::pipeline::ports {
class customer_notifier;
class ticket_updater;
}  // namespace refundbot::pipeline::ports

namespace refundbot::bot::orchestrator {

/// `helpdesk_update` jobs: tells the customer on their ticket what became of their request
/// (texts from templates/customer/) and leaves agents an internal note (decision, reviewer,
/// refund id, where the audit trail is) with refundbot's tags. A helpdesk outage delays the
/// update (the job retries); a retried job does not post twice.
class helpdesk_jobs final : public job_extension {
public:
    helpdesk_jobs(
        pipeline::ports::customer_notifier& notifier, pipeline::ports::ticket_updater& updater
    );

    [[nodiscard]] bool handles(std::string_view kind) const override;
    void run(const adapters::postgres::job& j, pqxx::connection_base& cx) override;
    void sweep(pqxx::connection_base&) override {}

private:
    pipeline::ports::customer_notifier& notifier_;
    pipeline::ports::ticket_updater& updater_;
};

}  // namespace refundbot::bot::orchestrator
