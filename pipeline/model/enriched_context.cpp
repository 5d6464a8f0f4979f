#include "pipeline/model/enriched_context.hpp"

#include "pipeline/core/json_writer.hpp"
#include "pipeline/core/money.hpp"

#include <boost/json/value.hpp>

namespace refundbot::pipeline::model {

namespace json = boost::json;
using core::json_path;

std::int64_t enriched_context::already_refunded() const {
    std::int64_t sum = 0;
    for (const auto& r : prior_refunds) {
        if (r.status == "succeeded" || r.status == "pending") {
            sum += r.amount;
        }
    }
    return sum;
}

core::parsed<enriched_context> parse_enriched_context(const json::value& v, int exponent) {
    core::json_reader rd;
    enriched_context c;
    const auto* root = rd.object(v, "");
    if (!root) {
        return {std::nullopt, rd.take_errors()};
    }
    rd.reject_unknown(
        *root, "", {"customer_stats", "delivery", "risk", "policy_flags", "prior_refunds", "gaps"}
    );
    c.gaps = rd.strings(*root, "", "gaps", true).value_or(std::vector<std::string>{});
    constexpr std::int64_t big = 1'000'000'000;

    if (const auto* s = rd.object(*root, "", "customer_stats", true)) {
        const std::string p = "customer_stats";
        rd.reject_unknown(
            *s,
            p,
            {"lifetime_orders",
             "lifetime_spend",
             "refund_count_180d",
             "refund_amount_180d",
             "chargeback_count_365d",
             "account_age_days",
             "requests_24h"}
        );
        c.has_stats = true;
        c.stats.lifetime_orders = rd.integer(*s, p, "lifetime_orders", 0, big, true).value_or(0);
        c.stats.lifetime_spend = rd.amount(*s, p, "lifetime_spend", exponent, true).value_or(0);
        c.stats.refund_count_180d =
            rd.integer(*s, p, "refund_count_180d", 0, big, true).value_or(0);
        c.stats.refund_amount_180d =
            rd.amount(*s, p, "refund_amount_180d", exponent, true).value_or(0);
        c.stats.chargeback_count_365d = rd.integer(*s, p, "chargeback_count_365d", 0, big, true);
        c.stats.account_age_days = rd.integer(*s, p, "account_age_days", 0, 100'000, true);
        c.stats.requests_24h = rd.integer(*s, p, "requests_24h", 0, big, true).value_or(0);
    }

    if (const auto* d = rd.object(*root, "", "delivery", true)) {
        const std::string p = "delivery";
        rd.reject_unknown(*d, p, {"status", "carrier", "delivered_at", "scans"});
        c.delivery.status = rd.string(*d, p, "status", true).value_or("unknown");
        static constexpr std::string_view statuses[] = {
            "delivered", "in_transit", "lost", "returned", "unknown"};
        if (std::find(std::begin(statuses), std::end(statuses), c.delivery.status) ==
            std::end(statuses)) {
            rd.fail(
                json_path(p, "status"),
                "expected one of delivered, in_transit, lost, returned, unknown, got \"" +
                    c.delivery.status + "\""
            );
        }
        c.delivery.carrier = rd.string(*d, p, "carrier", true).value_or("");
        c.delivery.delivered_at = rd.time(*d, p, "delivered_at", true);
        if (const auto* scans = rd.array(*d, p, "scans", true)) {
            for (std::size_t i = 0; i < scans->size(); ++i) {
                const auto at = json_path("delivery.scans", i);
                if (const auto* s = rd.object((*scans)[i], at)) {
                    rd.reject_unknown(*s, at, {"status", "at", "location"});
                    c.delivery.scans.push_back({
                        .status = rd.text(*s, at, "status").value_or(""),
                        .at = rd.time(*s, at, "at", true),
                        .location = rd.string(*s, at, "location", true).value_or(""),
                    });
                }
            }
        }
    }

    if (const auto* r = rd.object(*root, "", "risk", true)) {
        rd.reject_unknown(*r, "risk", {"risk_score", "signals"});
        external_risk risk;
        risk.risk_score = rd.number(*r, "risk", "risk_score", 0.0, 1.0).value_or(0);
        risk.signals = rd.strings(*r, "risk", "signals", true).value_or(std::vector<std::string>{});
        c.risk = std::move(risk);
    }

    // policy_flags are the seed's precomputed hints; the policy engine computes its own
    // verdicts, so they are accepted for compatibility and not trusted.
    if (const auto* f = rd.object(*root, "", "policy_flags", true)) {
        for (const auto& [key, value] : *f) {
            if (!value.is_bool()) {
                rd.fail(
                    json_path("policy_flags", key),
                    "expected boolean, got " + std::string(core::json_kind(value))
                );
            }
        }
    }

    if (const auto* prior = rd.array(*root, "", "prior_refunds", true)) {
        for (std::size_t i = 0; i < prior->size(); ++i) {
            const auto at = json_path("prior_refunds", i);
            if (const auto* p = rd.object((*prior)[i], at)) {
                rd.reject_unknown(*p, at, {"refund_id", "amount", "status", "created_at"});
                prior_refund pr;
                pr.refund_id = rd.string(*p, at, "refund_id", true).value_or("");
                pr.amount = rd.amount(*p, at, "amount", exponent).value_or(0);
                pr.status = rd.string(*p, at, "status", true).value_or("succeeded");
                static constexpr std::string_view statuses[] = {
                    "succeeded", "pending", "failed", "canceled"};
                if (std::find(std::begin(statuses), std::end(statuses), pr.status) ==
                    std::end(statuses)) {
                    rd.fail(
                        json_path(at, "status"),
                        "expected one of succeeded, pending, failed, canceled, got \"" + pr.status +
                            "\""
                    );
                }
                pr.created_at = rd.time(*p, at, "created_at", true);
                c.prior_refunds.push_back(std::move(pr));
            }
        }
    }

    if (!rd.ok()) {
        return {std::nullopt, rd.take_errors()};
    }
    return {std::move(c), {}};
}

std::string context_json(const enriched_context& c, int exponent) {
    core::json_writer w;
    const auto amount = [&](std::int64_t minor) { return core::format_decimal(minor, exponent); };
    const auto time = [&](const std::optional<core::timestamp>& t) -> core::json_writer& {
        return t ? w.value(core::format_rfc3339(*t)) : w.null();
    };
    w.begin_object();
    if (c.has_stats) {
        const auto& s = c.stats;
        w.key("customer_stats")
            .begin_object()
            .key("lifetime_orders")
            .value(s.lifetime_orders)
            .key("lifetime_spend")
            .value(amount(s.lifetime_spend))
            .key("refund_count_180d")
            .value(s.refund_count_180d)
            .key("refund_amount_180d")
            .value(amount(s.refund_amount_180d))
            .key("requests_24h")
            .value(s.requests_24h);
        if (s.chargeback_count_365d) {
            w.key("chargeback_count_365d").value(*s.chargeback_count_365d);
        }
        if (s.account_age_days) {
            w.key("account_age_days").value(*s.account_age_days);
        }
        w.end_object();
    }
    const auto& d = c.delivery;
    w.key("delivery").begin_object().key("status").value(d.status).key("carrier").value(d.carrier);
    if (d.delivered_at) {
        w.key("delivered_at");
        time(d.delivered_at);
    }
    w.key("scans").begin_array();
    for (const auto& s : d.scans) {
        w.begin_object().key("status").value(s.status).key("location").value(s.location);
        if (s.at) {
            w.key("at");
            time(s.at);
        }
        w.end_object();
    }
    w.end_array().end_object();
    if (c.risk) {
        w.key("risk").begin_object().key("risk_score").value(c.risk->risk_score);
        w.key("signals").begin_array();
        for (const auto& s : c.risk->signals) {
            w.value(s);
        }
        w.end_array().end_object();
    }
    w.key("prior_refunds").begin_array();
    for (const auto& r : c.prior_refunds) {
        w.begin_object()
            .key("refund_id")
            .value(r.refund_id)
            .key("amount")
            .value(amount(r.amount))
            .key("status")
            .value(r.status);
        if (r.created_at) {
            w.key("created_at");
            time(r.created_at);
        }
        w.end_object();
    }
    w.end_array().key("gaps").begin_array();
    for (const auto& g : c.gaps) {
        w.value(g);
    }
    w.end_array().end_object();
    return w.take();
}

}  // namespace refundbot::pipeline::model
