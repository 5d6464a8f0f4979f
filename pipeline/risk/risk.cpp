// Risk score = min(1, sum over signals of weight * value), each value in [0, 1]; the weights
// come from the policy file (risk.weights). If the trigger or the enrichment step carries its
// own score, the higher of the two is used, so an outside fraud signal (Stripe Radar) can
// only make a case stricter.
#include "pipeline/risk/risk.hpp"

#include "pipeline/core/text.hpp"

#include <algorithm>
#include <cstdio>

namespace refundbot::pipeline::risk {

namespace {

double clamp01(double v) {
    return std::clamp(v, 0.0, 1.0);
}

std::string count_detail(std::int64_t n, std::string_view what) {
    return std::to_string(n) + " " + std::string(what);
}

}  // namespace

std::string format_score(double score) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", score);
    return buf;
}

risk_assessment assess(
    const model::refund_request& req,
    const model::enriched_context& ctx,
    const model::claims& claims,
    const policy::refund_policy& policy
) {
    const auto& w = policy.weights;
    const auto& s = ctx.stats;
    risk_assessment out;
    const auto add = [&](std::string_view name, double weight, double value, std::string detail) {
        value = clamp01(value);
        out.signals.push_back({name, weight, value, weight * value, std::move(detail)});
    };

    if (ctx.has_stats) {
        // Two chargebacks in a year is the seed's manual-review line: full weight there. An
        // unknown count adds nothing here; the chargeback_history rule reports it UNKNOWN.
        if (s.chargeback_count_365d) {
            add("chargebacks_365d",
                w.chargebacks,
                static_cast<double>(*s.chargeback_count_365d) / 2.0,
                count_detail(*s.chargeback_count_365d, "chargebacks in 365 days"));
        }
        add("refunds_180d",
            w.refund_count,
            static_cast<double>(s.refund_count_180d) / 3.0,
            count_detail(s.refund_count_180d, "refunds in 180 days"));
        const double spend = static_cast<double>(std::max<std::int64_t>(s.lifetime_spend, 1));
        add("refund_amount_180d",
            w.refund_amount,
            static_cast<double>(s.refund_amount_180d) / spend,
            core::format_money({s.refund_amount_180d, req.order.currency}) + " refunded of " +
                core::format_money({s.lifetime_spend, req.order.currency}) + " lifetime spend");
        const bool young = s.account_age_days && *s.account_age_days < 30;
        const double newness =
            s.lifetime_orders <= 1 || young ? 1.0 : (s.lifetime_orders < 3 ? 0.5 : 0.0);
        add("new_account",
            w.new_account,
            newness,
            count_detail(s.lifetime_orders, "lifetime orders") +
                (s.account_age_days
                     ? ", account " + std::to_string(*s.account_age_days) + " days old"
                     : ""));
        add("velocity_24h",
            w.velocity,
            static_cast<double>(std::max<std::int64_t>(s.requests_24h - 1, 0)) / 3.0,
            count_detail(s.requests_24h, "refund requests in 24 h"));
    } else {
        // Nothing known about the customer is itself a (mild) risk.
        add("new_account", w.new_account, 1.0, "no customer history available");
    }

    const double total = static_cast<double>(std::max<std::int64_t>(req.order.total, 1));
    add("amount_ratio",
        w.amount_ratio,
        static_cast<double>(req.refund.amount_requested) / total,
        core::format_money(req.requested()) + " of " + core::format_money(req.order_total()) +
            " order");

    const auto ip = req.metadata.find("ip_country");
    const auto& ship = req.order.shipping_country;
    if (ip != req.metadata.end() && ship) {
        const bool mismatch = ip->second != *ship;
        add("country_mismatch",
            w.country_mismatch,
            mismatch ? 1.0 : 0.0,
            "ip " + ip->second + ", shipping " + *ship);
    }
    const auto risky = [&](const std::string& c) {
        return std::find(policy.high_risk_countries.begin(), policy.high_risk_countries.end(), c) !=
               policy.high_risk_countries.end();
    };
    const bool ip_risky = ip != req.metadata.end() && risky(ip->second);
    const bool ship_risky = ship && risky(*ship);
    if (ip_risky || ship_risky) {
        add("high_risk_region",
            w.high_risk_region,
            1.0,
            std::string(ip_risky ? "ip" : "shipping") + " country is on the policy's high-risk list"
        );
    }
    if (claims.chargeback_threat) {
        add("chargeback_threat",
            w.chargeback_threat,
            1.0,
            "the customer threatens a chargeback or bank dispute");
    }
    // A claim that usually needs proof (missing parcel reported delivered, damage) without any.
    const bool needs_proof = (claims.not_received && ctx.delivery.status == "delivered") ||
                             core::mentions(claims.text, {"damaged", "broken", "defect"});
    if (needs_proof && req.refund.evidence.empty()) {
        add("missing_evidence",
            w.missing_evidence,
            1.0,
            "claim without photo, scan or other evidence");
    }

    double sum = 0;
    for (const auto& sig : out.signals) {
        sum += sig.contribution;
    }
    out.computed = clamp01(sum);
    if (req.trigger_risk_score) {
        out.external = req.trigger_risk_score;
    }
    if (ctx.risk) {
        out.external = std::max(out.external.value_or(0.0), ctx.risk->risk_score);
    }
    out.score = std::max(out.computed, out.external.value_or(0.0));
    return out;
}

}  // namespace refundbot::pipeline::risk
