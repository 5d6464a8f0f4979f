#pragma once

#include "pipeline/model/decision.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/policy/rules.hpp"
#include "pipeline/reasoning/reasoner.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include <string>
#include <vector>

namespace refundbot::pipeline::reasoning {

/// The guard's verdict on a reasoner's output.
struct guarded_decision {
    model::decision decision;
    bool rejected = false;  ///< no usable output: missing, invalid JSON or schema errors
    std::vector<std::string> schema_errors;
    bool policy_mismatch = false;        ///< APPROVE against a failed rule: turned into ESCALATE
    bool low_confidence = false;         ///< below policy.min_confidence: turned into ESCALATE
    std::vector<std::string> overrides;  ///< every change the guard made, also in risk_notes
};

/// Checks any reasoner's output against the decision contract and the policy. The reasoner
/// can tighten a decision, never loosen policy:
/// - schema-invalid or missing output is rejected (ESCALATE, human review);
/// - policy_alignment names only known rules and is overwritten by the engine's verdicts;
/// - APPROVE while a policy rule FAILs becomes ESCALATE ("policy mismatch");
/// - confidence below policy.min_confidence becomes ESCALATE;
/// - action types outside policy.allowed_actions are dropped.
[[nodiscard]] guarded_decision guard(
    const reasoner_output& output,
    const schema_validator& contract,
    const policy::policy_evaluation& evaluation,
    const policy::refund_policy& policy
);

}  // namespace refundbot::pipeline::reasoning
