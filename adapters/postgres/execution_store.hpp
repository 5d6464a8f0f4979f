#pragma once

#include "adapters/postgres/connection_pool.hpp"
#include "pipeline/model/payment_event.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/ports/refund_processor.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// What execution checks beyond the order itself.
struct execution_limits {
    pipeline::policy::execution_caps caps;  ///< in `caps_currency`
    std::string caps_currency = "USD";
    bool post_review_card = false;  ///< a capped request gets a Slack review card
};

/// Prepares the one execution of an approved request, in one transaction: checks the amount
/// against what is still refundable on the payment (refundbot's executions, refunds made
/// elsewhere, the processor's reported total), refuses a disputed payment, sends an automatic
/// approval that would cross a daily cap to review, stores the idempotency key and moves the
/// request to EXECUTING. A request already EXECUTING without an answer is resumed with its
/// stored key. @return the order to send, or nullopt when there is nothing (left) to do.
[[nodiscard]] std::optional<pipeline::ports::refund_order> begin_execution(
    pqxx::connection_base& cx,
    const std::string& request_id,
    std::string_view processor,
    const execution_limits& limits = {}
);

/// Notes that the refund is about to be sent: from now on a retry resends it as it is, without
/// the pre-send checks (which would count the refund against itself).
void mark_sent(pqxx::connection_base& cx, const std::string& request_id);

/// Records the processor's answer with its audit event: REFUNDED; EXECUTION_FAILED with the
/// processor's code (and an alert); or, for a pending refund, the refund id while the request
/// stays EXECUTING. A request with a Slack card gets a job to show the outcome. Recording the
/// same answer twice changes nothing.
/// @throws std::runtime_error when the outcome is unknown, so the job retries with the same key.
void finish_execution(
    pqxx::connection_base& cx,
    const pipeline::ports::refund_order& order,
    std::string_view processor,
    const pipeline::ports::refund_result& result
);

/// An execution that has not settled: pending at the processor, or started with no answer.
struct unsettled_execution {
    pipeline::ports::refund_order order;
    std::string processor;
    std::string state;  ///< "started" or "pending"
    std::string refund_id;
    std::chrono::seconds age{0};
};

[[nodiscard]] std::optional<unsettled_execution> load_unsettled(
    pqxx::connection_base& cx, const std::string& request_id
);

/// Queues a `reconcile` job for every execution unsettled for longer than `older_than` whose
/// execute job is no longer running. @return how many were queued.
int schedule_reconciliations(pqxx::connection_base& cx, std::chrono::seconds older_than);

/// Gives up on an execution whose outcome cannot be learned: EXECUTION_FAILED and an alert.
void abandon_execution(
    pqxx::connection_base& cx,
    const unsettled_execution& e,
    const std::string& code,
    const std::string& reason
);

/// Queues the execute job again (same idempotency key) for a started execution.
void retry_execution(pqxx::connection_base& cx, const std::string& request_id);

/// What applying a processor webhook event did.
struct event_outcome {
    bool duplicate = false;             ///< the event id was applied before
    std::vector<std::string> affected;  ///< refundbot requests it touched
};

/// Applies one processor event in one transaction, deduplicated by (source, event id): a
/// refund of ours settles its execution; a refund made elsewhere is recorded against its
/// payment; a charge's refunded total is kept; a dispute is recorded for the customer, and
/// every open request on the disputed payment gets an audit event and an alert.
event_outcome apply_payment_event(
    pqxx::connection_base& cx, const pipeline::model::payment_event& event
);

/// The sandbox processor: records simulated refunds in `sandbox_refunds`; the same idempotency
/// key always yields the same refund id. Moves no money.
class sandbox_processor final : public pipeline::ports::refund_processor {
public:
    explicit sandbox_processor(const database_settings& db);
    [[nodiscard]] std::string_view name() const override { return "sandbox"; }
    [[nodiscard]] pipeline::ports::refund_result refund(const pipeline::ports::refund_order& order
    ) override;
    [[nodiscard]] pipeline::ports::refund_result lookup(const std::string& refund_id) override;
    [[nodiscard]] std::optional<pipeline::ports::refund_result> find(
        const pipeline::ports::refund_order& order
    ) override;
    [[nodiscard]] std::optional<pipeline::ports::payment_balance> balance(const std::string&)
        override {
        return std::nullopt;
    }

private:
    connection_pool pool_;
};

}  // namespace refundbot::adapters::postgres
