#pragma once

#include "pipeline/approval/autonomy.hpp"
#include "pipeline/approval/gate.hpp"
#include "pipeline/model/claims.hpp"
#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/policy/rules.hpp"
#include "pipeline/reasoning/guard.hpp"
#include "pipeline/reasoning/reasoner.hpp"
#include "pipeline/reasoning/schema_validator.hpp"
#include "pipeline/risk/risk.hpp"

#include <string>

namespace refundbot::pipeline {

/// Everything the pure pipeline concluded about one request, kept whole for the audit log.
struct decision_outcome {
    std::string policy_version;
    model::claims claims;
    risk::risk_assessment risk;
    policy::policy_evaluation evaluation;
    bool reasoner_called = false;
    std::string reasoner;  ///< "rules", "openai", ...; empty when not called
    reasoning::guarded_decision guarded;
    /// The model's part when a model reasoner was asked: its calls, the prompt version, and
    /// why it gave no answer of its own (empty when it did, or for the rules reasoner).
    std::vector<reasoning::model_call> model_calls;
    std::string prompt_version;
    std::string ai_unavailable;
    /// The route the bot would take on its own, before the segment's mode; equal to
    /// gate.route in live mode, while in shadow mode gate.route is always MANUAL_REVIEW.
    approval::route bot_route = approval::route::manual_review;
    approval::segment_match segment;
    approval::gate_result gate;
};

/// The seed's orchestrator, pure: claims -> risk -> policy; a hard block denies without asking
/// the reasoner; otherwise reasoner -> guard -> gate; then the segment's autonomy mode.
[[nodiscard]] decision_outcome decide(
    const model::refund_request& request,
    const model::enriched_context& context,
    const policy::refund_policy& policy,
    reasoning::reasoner& reasoner,
    const reasoning::schema_validator& contract
);

/// The report as compact JSON: rules, risk breakdown, guarded decision (in the decision
/// contract's shape), route and reasons. Written directly, without building a document.
[[nodiscard]] std::string report_json(const decision_outcome& o);

}  // namespace refundbot::pipeline
