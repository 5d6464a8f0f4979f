#pragma once

#include "pipeline/model/claims.hpp"
#include "pipeline/model/decision.hpp"
#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::policy {

/// What a FAIL means for routing.
enum class rule_kind {
    hard_block,  ///< FAIL denies deterministically, before any reasoner is asked
    review,      ///< FAIL sends the case to a human
    threshold,   ///< FAIL only rules out auto-approval (auto-approve limits)
};

struct rule_result {
    std::string_view id;  ///< stable id, e.g. "within_refund_window"
    rule_kind kind = rule_kind::review;
    model::rule_status status = model::rule_status::unknown;
    std::string reason;  ///< one line, human readable, no PII
};

/// Every rule's verdict for one request.
struct policy_evaluation {
    std::vector<rule_result> rules;

    [[nodiscard]] const rule_result* find(std::string_view id) const;
    [[nodiscard]] bool failed(std::string_view id) const;
    /// Any hard-block rule FAILs.
    [[nodiscard]] bool hard_blocked() const;
    /// Any hard-block or review rule FAILs: what an APPROVE may not contradict.
    [[nodiscard]] bool policy_failed() const;
};

/// The ids of every rule, in evaluation order.
[[nodiscard]] const std::vector<std::string_view>& rule_ids();

/// Evaluates every rule. `risk_score` is the final score (see risk.hpp); the refund window is
/// measured up to the request's created_at, so the outcome does not depend on when it runs.
[[nodiscard]] policy_evaluation evaluate(
    const model::refund_request& request,
    const model::enriched_context& context,
    const model::claims& claims,
    const refund_policy& policy,
    double risk_score
);

}  // namespace refundbot::pipeline::policy
