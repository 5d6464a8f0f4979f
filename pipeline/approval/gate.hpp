#pragma once

#include "pipeline/policy/policy.hpp"
#include "pipeline/policy/rules.hpp"
#include "pipeline/reasoning/guard.hpp"
#include "pipeline/risk/risk.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::approval {

enum class route { auto_approve, manual_review, deny };

[[nodiscard]] std::string_view to_string(route r);  ///< AUTO_APPROVE, MANUAL_REVIEW, DENY

/// Where a case goes, and every reason that sent it there (stable codes such as
/// `amount_threshold` or `hard_block:final_sale`, shown to reviewers and counted in metrics).
struct gate_result {
    approval::route route = route::manual_review;
    std::vector<std::string> reasons;
};

/// The checkpoint. AUTO_APPROVE only when the guarded decision is APPROVE without a request for
/// human review, the amount and risk are within the auto-approve limits, no rule FAILs and the
/// confidence meets the floor. DENY only from hard blocks (or a reasoner's DENY when
/// policy.auto_deny). Everything else is MANUAL_REVIEW.
[[nodiscard]] gate_result decide_route(
    const policy::policy_evaluation& evaluation,
    const reasoning::guarded_decision& guarded,
    const risk::risk_assessment& risk,
    const policy::refund_policy& policy
);

}  // namespace refundbot::pipeline::approval
