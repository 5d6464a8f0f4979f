#include "pipeline/reasoning/prompt.hpp"

#include "pipeline/core/money.hpp"
#include "pipeline/core/redact.hpp"
#include "pipeline/core/text.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <string_view>

namespace refundbot::pipeline::reasoning {

namespace json = boost::json;

namespace {

std::string decimal(std::int64_t minor, int exponent) {
    return core::format_decimal(minor, exponent);
}

json::array strings(const std::vector<std::string>& v) {
    return json::array(v.begin(), v.end());
}

json::object policy_json(const policy::refund_policy& p) {
    const auto amount = [&](std::int64_t minor) { return decimal(minor, p.exponent); };
    return {
        {"currency", p.currency},
        {"refund_window_days", p.refund_window_days},
        {"non_refundable_categories", strings(p.non_refundable_categories)},
        {"auto_approve_max_amount", amount(p.auto_approve_max_amount)},
        {"auto_approve_max_risk", p.auto_approve_max_risk},
        {"manual_review_min_amount", amount(p.manual_review_min_amount)},
        {"evidence_required_over_amount", amount(p.evidence_required_over_amount)},
        {"min_confidence", p.min_confidence},
        {"allowed_actions", strings(p.allowed_actions)},
    };
}

json::array rules_json(const policy::policy_evaluation& e) {
    json::array out;
    for (const auto& r : e.rules) {
        out.push_back(json::object{
            {"rule", r.id},
            {"status", model::to_string(r.status)},
            {"hard_block", r.kind == policy::rule_kind::hard_block},
            {"reason", r.reason},
        });
    }
    return out;
}

json::object risk_json(const risk::risk_assessment& r) {
    json::array signals;
    for (const auto& s : r.signals) {
        if (s.contribution > 0) {
            signals.push_back(json::object{
                {"signal", s.name}, {"contribution", s.contribution}, {"detail", s.detail}});
        }
    }
    return {{"score", r.score}, {"signals", std::move(signals)}};
}

json::object prompt_context(const model::enriched_context& c, int exponent) {
    json::object out;
    json::object delivery{{"status", c.delivery.status}};
    if (c.delivery.delivered_at) {
        delivery["delivered_at"] = core::format_rfc3339(*c.delivery.delivered_at);
    }
    out["delivery"] = std::move(delivery);
    if (c.has_stats) {
        json::object stats{
            {"lifetime_orders", c.stats.lifetime_orders},
            {"lifetime_spend", decimal(c.stats.lifetime_spend, exponent)},
            {"refund_count_180d", c.stats.refund_count_180d},
            {"requests_24h", c.stats.requests_24h},
        };
        if (c.stats.chargeback_count_365d) {
            stats["chargeback_count_365d"] = *c.stats.chargeback_count_365d;
        }
        if (c.stats.account_age_days) {
            stats["account_age_days"] = *c.stats.account_age_days;
        }
        out["customer_stats"] = std::move(stats);
    }
    out["already_refunded"] = decimal(c.already_refunded(), exponent);
    if (!c.gaps.empty()) {
        out["unknown"] = strings(c.gaps);
    }
    return out;
}

json::object request_json(const model::refund_request& r) {
    auto v = json::value_from(r).as_object();
    // The customer's words travel separately, delimited; evidence by type only (URLs can
    // carry names); the free-form metadata only as the country the request came from.
    auto& refund = v["refund"].as_object();
    refund.erase("reason_text");
    json::array evidence;
    for (const auto& e : r.refund.evidence) {
        evidence.push_back(json::value(e.type));
    }
    refund["evidence_types"] = std::move(evidence);
    refund.erase("evidence");
    json::object metadata;
    if (const auto it = r.metadata.find("ip_country"); it != r.metadata.end()) {
        metadata["ip_country"] = it->second;
    }
    v["metadata"] = std::move(metadata);
    return v;
}

std::string customer_text(const model::refund_request& r, bool mask_pii) {
    std::string text = r.refund.reason_text;
    if (const auto it = r.metadata.find("customer_message"); it != r.metadata.end()) {
        text += (text.empty() ? "" : "\n") + it->second;
    }
    // The customer cannot close the data block and write outside it.
    for (const std::string_view marker : {"CUSTOMER_TEXT>>>", "<<<CUSTOMER_TEXT"}) {
        for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker)) {
            text.erase(at, marker.size());
        }
    }
    return mask_pii ? core::mask_personal_data(text) : text;
}

}  // namespace

prompt build_prompt(const reasoning_input& input, const prompt_set& texts, bool mask_pii) {
    prompt p;
    p.system = texts.system;
    // One pass over the template: nothing the customer wrote is taken for a placeholder.
    const auto request = json::serialize(request_json(input.request));
    p.user = core::fill_placeholders(
        texts.user_template,
        {
            {"policy_version", input.policy.policy_version},
            {"policy", json::serialize(policy_json(input.policy))},
            {"rules", json::serialize(rules_json(input.evaluation))},
            {"risk", json::serialize(risk_json(input.risk))},
            {"context",
             json::serialize(prompt_context(input.context, input.request.order.exponent))},
            {"request", mask_pii ? core::mask_personal_data(request) : request},
            {"customer_text", customer_text(input.request, mask_pii)},
        }
    );
    return p;
}

}  // namespace refundbot::pipeline::reasoning
