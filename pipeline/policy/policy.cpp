#include "pipeline/policy/policy.hpp"

#include <boost/json/value.hpp>

namespace refundbot::pipeline::policy {

namespace json = boost::json;

namespace {

nuance_mode read_mode(
    core::json_reader& rd, const json::object& obj, const std::string& path, nuance_mode fallback
) {
    const auto mode = rd.string(obj, path, "mode", true);
    if (!mode) {
        return fallback;
    }
    if (*mode == "allow") {
        return nuance_mode::allow;
    }
    if (*mode == "review_only") {
        return nuance_mode::review_only;
    }
    if (*mode == "deny") {
        return nuance_mode::deny;
    }
    rd.fail(
        core::json_path(path, "mode"),
        "expected one of \"allow\", \"review_only\", \"deny\", got \"" + *mode + "\""
    );
    return fallback;
}

}  // namespace

core::parsed<refund_policy> parse_policy(const json::value& v) {
    core::json_reader rd;
    refund_policy p;
    const auto* root = rd.object(v, "");
    if (!root) {
        return {std::nullopt, rd.take_errors()};
    }
    rd.reject_unknown(
        *root,
        "",
        {"$comment",
         "policy_version",
         "currency",
         "refund_window_days",
         "non_refundable_categories",
         "auto_approve",
         "manual_review",
         "missing_delivery",
         "min_confidence",
         "auto_deny",
         "subscription",
         "digital",
         "risk",
         "allowed_actions",
         "execution_caps"}
    );
    p.policy_version = rd.text(*root, "", "policy_version").value_or("");
    if (auto cur = rd.currency(*root, "", "currency", true)) {
        p.currency = cur->first;
        p.exponent = cur->second;
    }
    p.refund_window_days = rd.integer(*root, "", "refund_window_days", 0, 3650).value_or(30);
    p.non_refundable_categories =
        rd.strings(*root, "", "non_refundable_categories").value_or(std::vector<std::string>{});
    if (const auto* a = rd.object(*root, "", "auto_approve")) {
        rd.reject_unknown(*a, "auto_approve", {"max_amount", "max_risk_score"});
        p.auto_approve_max_amount =
            rd.amount(*a, "auto_approve", "max_amount", p.exponent).value_or(0);
        p.auto_approve_max_risk =
            rd.number(*a, "auto_approve", "max_risk_score", 0.0, 1.0).value_or(0);
    }
    if (const auto* c = rd.object(*root, "", "execution_caps", true)) {
        rd.reject_unknown(*c, "execution_caps", {"per_customer_daily", "global_daily"});
        p.caps.per_customer_daily =
            rd.amount(*c, "execution_caps", "per_customer_daily", p.exponent, true).value_or(0);
        p.caps.global_daily =
            rd.amount(*c, "execution_caps", "global_daily", p.exponent, true).value_or(0);
    }
    if (const auto* m = rd.object(*root, "", "manual_review")) {
        rd.reject_unknown(*m, "manual_review", {"min_amount", "min_chargebacks"});
        p.manual_review_min_amount =
            rd.amount(*m, "manual_review", "min_amount", p.exponent).value_or(0);
        p.manual_review_min_chargebacks =
            rd.integer(*m, "manual_review", "min_chargebacks", 1, 1000).value_or(2);
    }
    if (const auto* d = rd.object(*root, "", "missing_delivery")) {
        rd.reject_unknown(*d, "missing_delivery", {"evidence_required_over_amount"});
        p.evidence_required_over_amount =
            rd.amount(*d, "missing_delivery", "evidence_required_over_amount", p.exponent)
                .value_or(0);
    }
    p.min_confidence =
        rd.number(*root, "", "min_confidence", 0.0, 1.0, true).value_or(p.min_confidence);
    p.auto_deny = rd.boolean(*root, "", "auto_deny", true).value_or(false);
    for (auto [key, mode, categories] :
         {std::tuple{"subscription", &p.subscription, &p.subscription_categories},
          std::tuple{"digital", &p.digital, &p.digital_categories}}) {
        if (const auto* n = rd.object(*root, "", key, true)) {
            rd.reject_unknown(*n, key, {"mode", "categories"});
            *mode = read_mode(rd, *n, key, *mode);
            if (auto c = rd.strings(*n, key, "categories", true)) {
                *categories = std::move(*c);
            }
        }
    }
    if (const auto* r = rd.object(*root, "", "risk", true)) {
        rd.reject_unknown(*r, "risk", {"weights", "high_risk_countries"});
        p.high_risk_countries = rd.strings(*r, "risk", "high_risk_countries", true)
                                    .value_or(std::vector<std::string>{});
        if (const auto* w = rd.object(*r, "risk", "weights", true)) {
            const std::string path = "risk.weights";
            auto& ws = p.weights;
            const std::pair<std::string_view, double*> fields[] = {
                {"chargebacks", &ws.chargebacks},
                {"refund_count", &ws.refund_count},
                {"refund_amount", &ws.refund_amount},
                {"new_account", &ws.new_account},
                {"velocity", &ws.velocity},
                {"amount_ratio", &ws.amount_ratio},
                {"country_mismatch", &ws.country_mismatch},
                {"high_risk_region", &ws.high_risk_region},
                {"chargeback_threat", &ws.chargeback_threat},
                {"missing_evidence", &ws.missing_evidence},
            };
            for (const auto& [key, value] : *w) {
                bool known = false;
                for (const auto& [name, target] : fields) {
                    if (name == key) {
                        known = true;
                        *target = rd.number(*w, path, name, 0.0, 1.0).value_or(*target);
                    }
                }
                if (!known) {
                    rd.fail(core::json_path(path, key), "unknown key");
                }
            }
        }
    }
    if (auto actions = rd.strings(*root, "", "allowed_actions", true)) {
        p.allowed_actions = std::move(*actions);
    }
    if (rd.ok() && p.manual_review_min_amount > 0 &&
        p.auto_approve_max_amount >= p.manual_review_min_amount) {
        rd.fail("auto_approve.max_amount", "must be below manual_review.min_amount");
    }
    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(p), {}};
}

}  // namespace refundbot::pipeline::policy
