#include "pipeline/decide.hpp"

#include "pipeline/core/json_writer.hpp"

namespace refundbot::pipeline {

decision_outcome decide(
    const model::refund_request& request,
    const model::enriched_context& context,
    const policy::refund_policy& policy,
    reasoning::reasoner& reasoner,
    const reasoning::schema_validator& contract
) {
    decision_outcome o;
    o.policy_version = policy.policy_version;
    o.claims = model::read_claims(request);
    o.risk = risk::assess(request, context, o.claims, policy);
    o.evaluation = policy::evaluate(request, context, o.claims, policy, o.risk.score);

    if (o.evaluation.hard_blocked()) {
        // Policy is the source of truth: nothing the reasoner could say would change this.
        auto& d = o.guarded.decision;
        d.decision = model::verdict::deny;
        d.confidence = 1.0;
        d.category = "OTHER";
        d.human_review_required = false;
        std::string reasons;
        for (const auto& r : o.evaluation.rules) {
            d.policy_alignment.push_back({std::string(r.id), r.status});
            if (r.kind == policy::rule_kind::hard_block && r.status == model::rule_status::fail) {
                reasons += (reasons.empty() ? "" : "; ") + r.reason;
            }
        }
        d.reasoning_summary = "Denied by policy " + policy.policy_version + ": " + reasons + ".";
        if (d.reasoning_summary.size() > 600) {
            d.reasoning_summary.resize(600);
        }
    } else {
        const reasoning::reasoning_input input{
            request, context, o.claims, policy, o.evaluation, o.risk};
        o.reasoner_called = true;
        o.reasoner = std::string(reasoner.name());
        auto output = reasoner.reason(input);
        o.guarded = reasoning::guard(output, contract, o.evaluation, policy);
        o.model_calls = std::move(output.calls);
        o.prompt_version = std::move(output.prompt_version);
        o.ai_unavailable = std::move(output.unavailable);
    }
    auto bot = approval::decide_route(o.evaluation, o.guarded, o.risk, policy);
    o.bot_route = bot.route;
    o.segment = approval::match_segment(request, policy);
    o.gate = approval::apply_mode(std::move(bot), o.segment.mode);
    return o;
}

std::string report_json(const decision_outcome& o) {
    core::json_writer w;
    w.begin_object().key("policy_version").value(o.policy_version);
    w.key("rules").begin_array();
    for (const auto& r : o.evaluation.rules) {
        w.begin_object()
            .key("rule")
            .value(r.id)
            .key("status")
            .value(model::to_string(r.status))
            .key("hard_block")
            .value(r.kind == policy::rule_kind::hard_block)
            .key("reason")
            .value(r.reason)
            .end_object();
    }
    w.end_array();
    w.key("risk")
        .begin_object()
        .key("score")
        .value(o.risk.score)
        .key("computed")
        .value(o.risk.computed);
    if (o.risk.external) {
        w.key("external").value(*o.risk.external);
    }
    w.key("signals").begin_array();
    for (const auto& s : o.risk.signals) {
        w.begin_object()
            .key("signal")
            .value(s.name)
            .key("value")
            .value(s.value)
            .key("weight")
            .value(s.weight)
            .key("contribution")
            .value(s.contribution)
            .key("detail")
            .value(s.detail)
            .end_object();
    }
    w.end_array().end_object();
    w.key("reasoner");
    if (o.reasoner_called) {
        w.value(o.reasoner);
    } else {
        w.null();
    }
    if (!o.model_calls.empty() || !o.ai_unavailable.empty()) {
        // What the model cost and did; the request and answer bodies are stored apart.
        w.key("ai").begin_object().key("prompt_version").value(o.prompt_version);
        w.key("unavailable").value(o.ai_unavailable).key("calls").begin_array();
        for (const auto& c : o.model_calls) {
            w.begin_object()
                .key("model")
                .value(c.model)
                .key("attempt")
                .value(static_cast<std::int64_t>(c.attempt))
                .key("outcome")
                .value(c.outcome)
                .key("failure")
                .value(c.failure)
                .key("latency_ms")
                .value(c.latency_ms)
                .key("input_tokens")
                .value(c.input_tokens)
                .key("output_tokens")
                .value(c.output_tokens)
                .key("cost_microusd")
                .value(c.cost_microusd)
                .end_object();
        }
        w.end_array().end_object();
    }
    const auto& d = o.guarded.decision;
    w.key("decision").begin_object();
    w.key("decision").value(model::to_string(d.decision)).key("confidence").value(d.confidence);
    w.key("category").value(d.category).key("reasoning_summary").value(d.reasoning_summary);
    w.key("policy_alignment").begin_array();
    for (const auto& a : d.policy_alignment) {
        w.begin_object()
            .key("rule")
            .value(a.rule)
            .key("status")
            .value(model::to_string(a.status))
            .end_object();
    }
    w.end_array().key("recommended_actions").begin_array();
    for (const auto& a : d.recommended_actions) {
        w.begin_object().key("type").value(a.type).key("required").value(a.required).end_object();
    }
    w.end_array().key("risk_notes").begin_array();
    for (const auto& n : d.risk_notes) {
        w.value(n);
    }
    w.end_array().key("human_review_required").value(d.human_review_required).end_object();
    w.key("guard")
        .begin_object()
        .key("rejected")
        .value(o.guarded.rejected)
        .key("overrides")
        .begin_array();
    for (const auto& r : o.guarded.overrides) {
        w.value(r);
    }
    w.end_array().end_object();
    w.key("autonomy")
        .begin_object()
        .key("mode")
        .value(policy::to_string(o.segment.mode))
        .key("segment")
        .value(o.segment.segment)
        .key("category")
        .value(o.segment.category)
        .key("amount_band")
        .value(o.segment.amount_band)
        .key("source")
        .value(o.segment.source)
        .key("bot_route")
        .value(approval::to_string(o.bot_route))
        .end_object();
    w.key("route").value(approval::to_string(o.gate.route)).key("route_reasons").begin_array();
    for (const auto& r : o.gate.reasons) {
        w.value(r);
    }
    w.end_array().end_object();
    return w.take();
}

}  // namespace refundbot::pipeline
