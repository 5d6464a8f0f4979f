#include "pipeline/reasoning/guard.hpp"

#include <algorithm>

namespace refundbot::pipeline::reasoning {

using model::rule_status;
using model::verdict;

namespace {

void note(guarded_decision& g, std::string text) {
    g.decision.risk_notes.push_back("guard: " + text);
    g.overrides.push_back(std::move(text));
}

guarded_decision rejected(
    std::string why, std::vector<std::string> errors, const policy::policy_evaluation& evaluation
) {
    guarded_decision g;
    g.rejected = true;
    g.schema_errors = std::move(errors);
    g.decision.decision = verdict::escalate;
    g.decision.confidence = 0;
    g.decision.category = "OTHER";
    g.decision.reasoning_summary = "No usable recommendation from the reasoner; a human decides.";
    g.decision.human_review_required = true;
    for (const auto& r : evaluation.rules) {
        g.decision.policy_alignment.push_back({std::string(r.id), r.status});
    }
    note(g, "reasoner output rejected: " + why);
    return g;
}

}  // namespace

guarded_decision guard(
    const reasoner_output& output,
    const schema_validator& contract,
    const policy::policy_evaluation& evaluation,
    const policy::refund_policy& policy
) {
    if (!output.json) {
        return rejected(output.error.empty() ? "no output" : output.error, {}, evaluation);
    }
    if (auto errors = contract.validate(*output.json); !errors.empty()) {
        std::string first = errors.front();
        return rejected("schema violation (" + first + ")", std::move(errors), evaluation);
    }
    auto parsed = model::parse_decision(*output.json);
    if (!parsed.ok()) {
        return rejected(
            "unreadable (" + parsed.errors.front() + ")", std::move(parsed.errors), evaluation
        );
    }
    guarded_decision g;
    g.decision = std::move(*parsed.value);
    auto& d = g.decision;

    // The engine's verdicts are the truth; the reasoner's copy is only kept where it agrees.
    std::vector<model::rule_alignment> alignment;
    for (const auto& claimed : d.policy_alignment) {
        const auto* actual = evaluation.find(claimed.rule);
        if (actual == nullptr) {
            note(g, "dropped unknown rule \"" + claimed.rule + "\" from policy_alignment");
        } else if (actual->status != claimed.status) {
            note(
                g,
                "rule " + claimed.rule + " is " + std::string(model::to_string(actual->status)) +
                    ", not " + std::string(model::to_string(claimed.status))
            );
        }
    }
    for (const auto& r : evaluation.rules) {
        alignment.push_back({std::string(r.id), r.status});
    }
    d.policy_alignment = std::move(alignment);

    if (d.decision == verdict::approve && evaluation.policy_failed()) {
        std::string failed;
        for (const auto& r : evaluation.rules) {
            if (r.status == rule_status::fail && r.kind != policy::rule_kind::threshold) {
                failed += (failed.empty() ? "" : ", ") + std::string(r.id);
            }
        }
        d.decision = verdict::escalate;
        g.policy_mismatch = true;
        note(g, "policy mismatch: APPROVE while " + failed + " FAIL; escalated");
    }
    if (d.confidence < policy.min_confidence && d.decision != verdict::escalate) {
        d.decision = verdict::escalate;
        g.low_confidence = true;
        note(g, "confidence below the policy floor; escalated");
    } else if (d.confidence < policy.min_confidence) {
        g.low_confidence = true;
    }

    const auto allowed = [&](const std::string& type) {
        return std::find(policy.allowed_actions.begin(), policy.allowed_actions.end(), type) !=
               policy.allowed_actions.end();
    };
    std::vector<model::recommended_action> kept;
    for (auto& a : d.recommended_actions) {
        if (allowed(a.type)) {
            kept.push_back(std::move(a));
        } else {
            note(g, "dropped action \"" + a.type + "\" (not in the allowlist)");
        }
    }
    d.recommended_actions = std::move(kept);
    if (d.decision != verdict::approve) {
        d.human_review_required = true;
    }
    return g;
}

}  // namespace refundbot::pipeline::reasoning
