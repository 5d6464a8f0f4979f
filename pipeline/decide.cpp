#include "pipeline/decide.hpp"

#include <boost/json/value.hpp>

namespace refundbot::pipeline {

namespace json = boost::json;

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
        o.guarded = reasoning::guard(reasoner.reason(input), contract, o.evaluation, policy);
    }
    o.gate = approval::decide_route(o.evaluation, o.guarded, o.risk, policy);
    return o;
}

void tag_invoke(json::value_from_tag, json::value& out, const decision_outcome& o) {
    json::array rules;
    for (const auto& r : o.evaluation.rules) {
        rules.push_back(json::object{
            {"rule", r.id},
            {"status", model::to_string(r.status)},
            {"hard_block", r.kind == policy::rule_kind::hard_block},
            {"reason", r.reason},
        });
    }
    json::array signals;
    for (const auto& s : o.risk.signals) {
        signals.push_back(json::object{
            {"signal", s.name},
            {"value", s.value},
            {"weight", s.weight},
            {"contribution", s.contribution},
            {"detail", s.detail},
        });
    }
    json::object risk{
        {"score", o.risk.score}, {"computed", o.risk.computed}, {"signals", std::move(signals)}};
    if (o.risk.external) {
        risk["external"] = *o.risk.external;
    }
    json::array reasons;
    for (const auto& r : o.gate.reasons) {
        reasons.push_back(json::string(r));
    }
    json::array overrides;
    for (const auto& r : o.guarded.overrides) {
        overrides.push_back(json::string(r));
    }
    out = json::object{
        {"policy_version", o.policy_version},
        {"rules", std::move(rules)},
        {"risk", std::move(risk)},
        {"reasoner", o.reasoner_called ? json::value(o.reasoner) : json::value(nullptr)},
        {"decision", json::value_from(o.guarded.decision)},
        {"guard",
         json::object{{"rejected", o.guarded.rejected}, {"overrides", std::move(overrides)}}},
        {"route", approval::to_string(o.gate.route)},
        {"route_reasons", std::move(reasons)},
    };
}

}  // namespace refundbot::pipeline
