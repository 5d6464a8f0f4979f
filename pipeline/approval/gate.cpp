#include "pipeline/approval/gate.hpp"

namespace refundbot::pipeline::approval {

using model::rule_status;
using model::verdict;

std::string_view to_string(route r) {
    switch (r) {
        case route::auto_approve:
            return "AUTO_APPROVE";
        case route::manual_review:
            return "MANUAL_REVIEW";
        case route::deny:
            return "DENY";
    }
    return "MANUAL_REVIEW";
}

gate_result decide_route(
    const policy::policy_evaluation& evaluation,
    const reasoning::guarded_decision& guarded,
    const risk::risk_assessment& risk,
    const policy::refund_policy& policy
) {
    gate_result out;
    if (evaluation.hard_blocked()) {
        out.route = route::deny;
        for (const auto& r : evaluation.rules) {
            if (r.kind == policy::rule_kind::hard_block && r.status == rule_status::fail) {
                out.reasons.push_back("hard_block:" + std::string(r.id));
            }
        }
        return out;
    }
    const auto& d = guarded.decision;
    auto& why = out.reasons;
    if (guarded.rejected) {
        why.emplace_back("reasoner_unavailable");
    }
    if (d.decision == verdict::escalate) {
        why.emplace_back("escalate");
    }
    if (d.decision == verdict::deny) {
        why.emplace_back("reasoner_denied");
    }
    if (evaluation.failed("manual_review_amount")) {
        why.emplace_back("amount_threshold");
    }
    if (evaluation.failed("chargeback_history")) {
        why.emplace_back("chargebacks");
    }
    if (risk.score > policy.auto_approve_max_risk) {
        why.emplace_back("risk");
    }
    if (guarded.policy_mismatch) {
        why.emplace_back("policy_mismatch");
    }
    if (guarded.low_confidence) {
        why.emplace_back("low_confidence");
    }
    for (const auto& r : evaluation.rules) {
        if (r.status == rule_status::fail && r.kind == policy::rule_kind::review &&
            r.id != "manual_review_amount" && r.id != "chargeback_history") {
            why.push_back("rule_failed:" + std::string(r.id));
        }
    }
    // Auto-approval needs both limits to hold, not merely "not known to fail".
    if (const auto* r = evaluation.find("auto_approve_amount");
        r && r->status != rule_status::pass) {
        why.emplace_back(
            r->status == rule_status::fail ? "above_auto_approve_amount" : "amount_not_comparable"
        );
    }
    if (d.human_review_required && d.decision == verdict::approve) {
        why.emplace_back("human_review_requested");
    }

    if (d.decision == verdict::deny && policy.auto_deny && !guarded.rejected) {
        out.route = route::deny;
        return out;
    }
    out.route =
        why.empty() && d.decision == verdict::approve ? route::auto_approve : route::manual_review;
    return out;
}

}  // namespace refundbot::pipeline::approval
