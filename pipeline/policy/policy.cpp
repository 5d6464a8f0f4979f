#include "pipeline/policy/policy.hpp"

#include "pipeline/core/money.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

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

std::optional<autonomy_mode> read_autonomy_mode(
    core::json_reader& rd, const json::object& obj, const std::string& path
) {
    const auto mode = rd.string(obj, path, "mode", true);
    if (!mode) {
        return std::nullopt;
    }
    if (*mode == "live") {
        return autonomy_mode::live;
    }
    if (*mode == "shadow") {
        return autonomy_mode::shadow;
    }
    rd.fail(
        core::json_path(path, "mode"), "expected \"live\" or \"shadow\", got \"" + *mode + "\""
    );
    return std::nullopt;
}

std::optional<std::int64_t> read_edge(
    core::json_reader& rd, const json::value& v, const std::string& path, int exponent
) {
    std::string text;
    if (v.is_string()) {
        text = std::string(v.get_string());
    } else if (v.is_int64()) {
        text = std::to_string(v.get_int64());
    } else if (v.is_uint64()) {
        text = std::to_string(v.get_uint64());
    } else if (v.is_double()) {
        text = core::shortest_decimal(v.get_double());
    } else {
        rd.fail(path, "expected an amount, got " + std::string(core::json_kind(v)));
        return std::nullopt;
    }
    std::string error;
    auto minor = core::parse_minor_units(text, exponent, error);
    if (!minor || *minor <= 0) {
        rd.fail(path, minor ? "must be above 0" : error);
        return std::nullopt;
    }
    return minor;
}

// The default mode is the root's "mode"; "autonomy" holds the bands and the segments.
void read_autonomy(core::json_reader& rd, const json::object& root, refund_policy& p) {
    if (auto m = read_autonomy_mode(rd, root, "")) {
        p.autonomy.mode = *m;
    }
    const auto* a = rd.object(root, "", "autonomy", true);
    if (!a) {
        return;
    }
    const std::string path = "autonomy";
    rd.reject_unknown(*a, path, {"amount_bands", "agreement_floor", "min_cases", "segments"});
    auto& out = p.autonomy;
    if (const auto* bands = rd.array(*a, path, "amount_bands", true)) {
        for (std::size_t i = 0; i < bands->size(); ++i) {
            const auto at = core::json_path("autonomy.amount_bands", i);
            if (auto edge = read_edge(rd, (*bands)[i], at, p.exponent)) {
                if (!out.amount_bands.empty() && *edge <= out.amount_bands.back()) {
                    rd.fail(at, "band edges must increase");
                }
                out.amount_bands.push_back(*edge);
            }
        }
    }
    out.agreement_floor =
        rd.number(*a, path, "agreement_floor", 0.0, 1.0, true).value_or(out.agreement_floor);
    out.min_cases = rd.integer(*a, path, "min_cases", 1, 1'000'000, true).value_or(out.min_cases);
    const auto band_names = amount_band_names(p);
    if (const auto* segments = rd.array(*a, path, "segments", true)) {
        for (std::size_t i = 0; i < segments->size(); ++i) {
            const auto at = core::json_path("autonomy.segments", i);
            const auto* s = rd.object((*segments)[i], at);
            if (!s) {
                continue;
            }
            rd.reject_unknown(*s, at, {"name", "categories", "amount_bands", "sources", "mode"});
            autonomy_segment seg;
            seg.name = rd.text(*s, at, "name").value_or("");
            for (const auto& other : out.segments) {
                if (!seg.name.empty() && other.name == seg.name) {
                    rd.fail(core::json_path(at, "name"), "duplicate segment name " + seg.name);
                }
            }
            seg.categories = rd.strings(*s, at, "categories", true).value_or(seg.categories);
            seg.amount_bands = rd.strings(*s, at, "amount_bands", true).value_or(seg.amount_bands);
            for (std::size_t b = 0; b < seg.amount_bands.size(); ++b) {
                if (std::find(band_names.begin(), band_names.end(), seg.amount_bands[b]) ==
                    band_names.end()) {
                    std::string known;
                    for (const auto& n : band_names) {
                        known += (known.empty() ? "" : ", ") + n;
                    }
                    rd.fail(
                        core::json_path(core::json_path(at, "amount_bands"), b),
                        "unknown band \"" + seg.amount_bands[b] + "\" (the bands are " + known + ")"
                    );
                }
            }
            seg.sources = rd.strings(*s, at, "sources", true).value_or(seg.sources);
            const auto mode = read_autonomy_mode(rd, *s, at);
            if (!mode && !s->contains("mode")) {
                rd.fail(core::json_path(at, "mode"), "missing (\"live\" or \"shadow\")");
            }
            seg.mode = mode.value_or(autonomy_mode::shadow);
            out.segments.push_back(std::move(seg));
        }
    }
}

}  // namespace

std::string_view to_string(autonomy_mode m) {
    return m == autonomy_mode::shadow ? "shadow" : "live";
}

std::vector<std::string> amount_band_names(const refund_policy& policy) {
    const auto label = [&](std::int64_t minor) {
        auto text = core::format_decimal(minor, policy.exponent);
        if (const auto dot = text.find('.');
            dot != std::string::npos && text.find_first_not_of('0', dot + 1) == std::string::npos) {
            text.resize(dot);
        }
        return text;
    };
    std::vector<std::string> names;
    std::string low = "0";
    for (const auto edge : policy.autonomy.amount_bands) {
        names.push_back(low + "-" + label(edge));
        low = label(edge);
    }
    names.push_back(low + "+");
    return names;
}

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
         "execution_caps",
         "mode",
         "autonomy"}
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
    read_autonomy(rd, *root, p);
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
