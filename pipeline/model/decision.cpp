#include "pipeline/model/decision.hpp"

#include <boost/json/value.hpp>

namespace refundbot::pipeline::model {

namespace json = boost::json;
using core::json_path;

std::string_view to_string(verdict v) {
    switch (v) {
        case verdict::approve:
            return "APPROVE";
        case verdict::deny:
            return "DENY";
        case verdict::escalate:
            return "ESCALATE";
    }
    return "ESCALATE";
}

std::string_view to_string(rule_status s) {
    switch (s) {
        case rule_status::pass:
            return "PASS";
        case rule_status::fail:
            return "FAIL";
        case rule_status::unknown:
            return "UNKNOWN";
    }
    return "UNKNOWN";
}

void tag_invoke(json::value_from_tag, json::value& out, const decision& d) {
    // Built member by member: initializer lists of value_ref cost twice as much, and every
    // decision of every reasoner passes through here on its way to the guard.
    json::object& o = out.emplace_object();
    o.reserve(8);
    o.emplace("decision", to_string(d.decision));
    o.emplace("confidence", d.confidence);
    o.emplace("category", d.category);
    o.emplace("reasoning_summary", d.reasoning_summary);
    json::array& alignment = o.emplace("policy_alignment", json::array()).first->value().as_array();
    alignment.reserve(d.policy_alignment.size());
    for (const auto& a : d.policy_alignment) {
        json::object& item = alignment.emplace_back(json::object()).as_object();
        item.reserve(2);
        item.emplace("rule", a.rule);
        item.emplace("status", to_string(a.status));
    }
    json::array& actions =
        o.emplace("recommended_actions", json::array()).first->value().as_array();
    for (const auto& a : d.recommended_actions) {
        json::object& item = actions.emplace_back(json::object()).as_object();
        item.emplace("type", a.type);
        item.emplace("required", a.required);
    }
    json::array& notes = o.emplace("risk_notes", json::array()).first->value().as_array();
    for (const auto& n : d.risk_notes) {
        notes.emplace_back(n);
    }
    o.emplace("human_review_required", d.human_review_required);
}

core::parsed<decision> parse_decision(const json::value& v) {
    core::json_reader rd;
    decision d;
    const auto* root = rd.object(v, "");
    if (!root) {
        return {std::nullopt, rd.take_errors()};
    }
    const auto word = rd.string(*root, "", "decision").value_or("");
    if (word == "APPROVE") {
        d.decision = verdict::approve;
    } else if (word == "DENY") {
        d.decision = verdict::deny;
    } else if (word == "ESCALATE") {
        d.decision = verdict::escalate;
    } else {
        rd.fail("decision", "expected APPROVE, DENY or ESCALATE");
    }
    d.confidence = rd.number(*root, "", "confidence", 0.0, 1.0).value_or(0);
    d.category = rd.string(*root, "", "category").value_or("OTHER");
    d.reasoning_summary = rd.string(*root, "", "reasoning_summary").value_or("");
    d.human_review_required = rd.boolean(*root, "", "human_review_required").value_or(true);
    d.risk_notes = rd.strings(*root, "", "risk_notes").value_or(std::vector<std::string>{});
    if (const auto* a = rd.array(*root, "", "policy_alignment")) {
        for (std::size_t i = 0; i < a->size(); ++i) {
            const auto at = json_path("policy_alignment", i);
            if (const auto* o = rd.object((*a)[i], at)) {
                rule_alignment ra;
                ra.rule = rd.string(*o, at, "rule").value_or("");
                const auto status = rd.string(*o, at, "status").value_or("");
                ra.status = status == "PASS"   ? rule_status::pass
                            : status == "FAIL" ? rule_status::fail
                                               : rule_status::unknown;
                d.policy_alignment.push_back(std::move(ra));
            }
        }
    }
    if (const auto* a = rd.array(*root, "", "recommended_actions")) {
        for (std::size_t i = 0; i < a->size(); ++i) {
            const auto at = json_path("recommended_actions", i);
            if (const auto* o = rd.object((*a)[i], at)) {
                d.recommended_actions.push_back({
                    .type = rd.string(*o, at, "type").value_or(""),
                    .required = rd.boolean(*o, at, "required").value_or(false),
                });
            }
        }
    }
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(d), {}};
}

}  // namespace refundbot::pipeline::model
