#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::workflow {

/// Where a refund request is. Persisted by name (see to_string).
enum class request_state {
    received,
    decided,
    auto_approved,
    denied,
    pending_review,
    approved,
    awaiting_evidence,
    replacement_offered,
    expired,
    executing,
    refunded,
    execution_failed,
};

/// "RECEIVED", "PENDING_REVIEW", ...
[[nodiscard]] std::string_view to_string(request_state s);
[[nodiscard]] std::optional<request_state> parse_state(std::string_view name);
[[nodiscard]] const std::vector<request_state>& all_states();

/// No transition leaves a terminal state.
[[nodiscard]] bool is_terminal(request_state s);

/// Checks one transition against the workflow:
///
///     RECEIVED -> DECIDED -> AUTO_APPROVED | DENIED | PENDING_REVIEW
///     PENDING_REVIEW -> APPROVED | DENIED | AWAITING_EVIDENCE | REPLACEMENT_OFFERED
///     AWAITING_EVIDENCE -> RECEIVED (evidence arrived) | EXPIRED
///     AUTO_APPROVED | APPROVED -> EXECUTING -> REFUNDED | EXECUTION_FAILED
///     AUTO_APPROVED -> PENDING_REVIEW (a daily refund cap would be crossed)
///
/// Returns nullopt when allowed, else why not ("PENDING_REVIEW -> REFUNDED is not a
/// transition of the refund workflow"). An illegal transition is never applied.
[[nodiscard]] std::optional<std::string> check_transition(request_state from, request_state to);

}  // namespace refundbot::pipeline::workflow
