#pragma once

#include "pipeline/core/money.hpp"
#include "pipeline/model/payment_event.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::pipeline::ports {

/// One refund to execute. The idempotency key is stored before the call and reused by every
/// retry, so a processor sees one refund however often it is asked.
struct refund_order {
    std::string request_id;
    std::string idempotency_key;    ///< "<request_id>:refund"
    std::string payment_reference;  ///< payment intent (pi_...) or charge id
    core::money amount;
    std::string reason = "requested_by_customer";  ///< duplicate, fraudulent, requested_by_customer
    std::string review_id;                         ///< who approved: "auto" or the reviewer's id
    std::string source;  ///< where the request came from (zendesk, shopify, ...)
    /// A previous attempt may have reached the processor: checks that would count this very
    /// refund against itself are skipped.
    bool resumed = false;
};

/// What became of a refund, as far as the processor said.
enum class refund_outcome {
    succeeded,  ///< money is on its way back
    pending,    ///< accepted, final status later (webhook or reconciliation)
    failed,     ///< terminal: declined, invalid, canceled; never retried
    unknown,    ///< no answer, or a transient error: retry with the same key
};

struct refund_result {
    refund_outcome outcome = refund_outcome::unknown;
    std::string refund_id;
    std::string status;      ///< the processor's own status word (succeeded, pending, ...)
    std::string error_code;  ///< the processor's error or failure code, when there is one
    std::string error;       ///< human-readable; never holds a credential

    [[nodiscard]] static refund_result with(refund_outcome o, std::string refund_id = {}) {
        refund_result r;
        r.outcome = o;
        r.refund_id = std::move(refund_id);
        return r;
    }
    [[nodiscard]] static refund_result failure(
        refund_outcome o, std::string code, std::string message
    ) {
        refund_result r;
        r.outcome = o;
        r.error_code = std::move(code);
        r.error = std::move(message);
        return r;
    }
};

/// A refund the processor reports, as an outcome: `succeeded`; `pending` and
/// `requires_action` pending; `failed` and `canceled` failed, coded with the failure reason
/// (or the status); any other status unknown.
[[nodiscard]] refund_result result_of(const model::processor_refund& r);

/// What the processor says about a payment before a refund of it.
struct payment_balance {
    core::money captured;       ///< what was paid
    std::int64_t refunded = 0;  ///< minor units already refunded (all refunds, any origin)
    bool disputed = false;
};

/// The execution port: the sandbox processor and Stripe in adapters/. Called from job
/// workers, never from an I/O thread; every call is bounded in time.
class refund_processor {
public:
    virtual ~refund_processor() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    [[nodiscard]] virtual refund_result refund(const refund_order& order) = 0;
    /// The current status of a refund the processor created (reconciliation).
    [[nodiscard]] virtual refund_result lookup(const std::string& refund_id) = 0;
    /// The refund made for `order.request_id` on its payment, if the processor has one; used
    /// when a call's outcome stayed unknown. nullopt: none found.
    [[nodiscard]] virtual std::optional<refund_result> find(const refund_order& order) = 0;
    /// The payment's amounts as the processor knows them; nullopt when not checked.
    [[nodiscard]] virtual std::optional<payment_balance> balance(
        const std::string& payment_reference
    ) = 0;
};

}  // namespace refundbot::pipeline::ports
