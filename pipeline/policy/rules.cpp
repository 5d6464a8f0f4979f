// The deterministic policy. Each rule encodes a line of the seed's refund policy (or one of its
// "policy nuances"); reasons are shown to reviewers and stored in the audit log, so they name
// amounts and rules but never customer PII.
#include "pipeline/policy/rules.hpp"

#include "pipeline/risk/risk.hpp"

#include <algorithm>

namespace refundbot::pipeline::policy {

using model::rule_status;

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

struct evaluator {
    const model::refund_request& req;
    const model::enriched_context& ctx;
    const model::claims& claims;
    const refund_policy& pol;
    double risk;
    policy_evaluation out;

    void add(std::string_view id, rule_kind kind, rule_status status, std::string reason) {
        out.rules.push_back({id, kind, status, std::move(reason)});
    }

    [[nodiscard]] std::string money(std::int64_t minor) const {
        return core::format_money({minor, req.order.currency});
    }
    [[nodiscard]] std::string policy_money(std::int64_t minor) const {
        return core::format_money({minor, pol.currency});
    }
    [[nodiscard]] bool comparable() const { return req.order.currency == pol.currency; }

    void order_known() {
        std::string gaps;
        for (const auto& g : ctx.gaps) {
            gaps += (gaps.empty() ? "" : "; ") + g;
        }
        if (req.order.complete) {
            add("order_known",
                rule_kind::review,
                rule_status::pass,
                gaps.empty() ? "order details known" : "order details known; " + gaps);
            return;
        }
        // Without the order nothing below can be judged: a human looks it up.
        add("order_known",
            rule_kind::review,
            rule_status::fail,
            "order details unknown: " + (gaps.empty() ? "no order lookup is configured" : gaps));
    }

    // The item rules cannot pass an order whose lines nobody has seen.
    bool items_unknown(std::string_view id) {
        if (req.order.complete) {
            return false;
        }
        add(id, rule_kind::hard_block, rule_status::unknown, "order items unknown");
        return true;
    }

    void within_refund_window() {
        const auto delivered =
            ctx.delivery.delivered_at ? ctx.delivery.delivered_at : req.order.delivered_at;
        if (!delivered ||
            (ctx.delivery.status != "delivered" && ctx.delivery.status != "unknown")) {
            add("within_refund_window",
                rule_kind::review,
                rule_status::unknown,
                "not delivered yet; the window starts at delivery");
            return;
        }
        const auto days = core::days_between(*delivered, req.created_at);
        const auto text = std::to_string(days) + " days after delivery; window is " +
                          std::to_string(pol.refund_window_days);
        add("within_refund_window",
            rule_kind::review,
            days <= pol.refund_window_days ? rule_status::pass : rule_status::fail,
            text);
    }

    void non_refundable_category() {
        if (items_unknown("non_refundable_category")) {
            return;
        }
        for (const auto& item : req.order.items) {
            if (contains(pol.non_refundable_categories, item.category)) {
                add("non_refundable_category",
                    rule_kind::hard_block,
                    rule_status::fail,
                    "item " + item.sku + " is in non-refundable category " + item.category);
                return;
            }
        }
        add("non_refundable_category",
            rule_kind::hard_block,
            rule_status::pass,
            "no item is in a non-refundable category");
    }

    void final_sale() {
        if (items_unknown("final_sale")) {
            return;
        }
        for (const auto& item : req.order.items) {
            if (item.final_sale) {
                add("final_sale",
                    rule_kind::hard_block,
                    rule_status::fail,
                    "item " + item.sku + " was sold as final sale");
                return;
            }
        }
        add("final_sale", rule_kind::hard_block, rule_status::pass, "no final-sale items");
    }

    void amount_within_refundable() {
        const auto requested = req.refund.amount_requested;
        const auto refunded = ctx.already_refunded();
        const auto refundable = req.order.total - refunded;
        if (!req.order.complete) {
            add("amount_within_refundable",
                rule_kind::hard_block,
                rule_status::unknown,
                "order total unknown");
        } else if (requested <= 0) {
            add("amount_within_refundable",
                rule_kind::hard_block,
                rule_status::fail,
                "requested amount must be positive");
        } else if (requested > refundable) {
            add("amount_within_refundable",
                rule_kind::hard_block,
                rule_status::fail,
                "requested " + money(requested) + " exceeds refundable " +
                    money(std::max<std::int64_t>(refundable, 0)) + " (" + money(req.order.total) +
                    " paid, " + money(refunded) + " already refunded)");
        } else {
            add("amount_within_refundable",
                rule_kind::hard_block,
                rule_status::pass,
                "requested " + money(requested) + " of " + money(refundable) + " refundable");
        }
    }

    void currency_match() {
        if (req.refund.currency == req.order.currency) {
            add("currency_match",
                rule_kind::hard_block,
                rule_status::pass,
                "refund in the order currency " + req.order.currency);
        } else {
            add("currency_match",
                rule_kind::hard_block,
                rule_status::fail,
                "refund currency " + req.refund.currency + " differs from order currency " +
                    req.order.currency);
        }
    }

    void manual_review_amount() {
        if (!comparable()) {
            add("manual_review_amount",
                rule_kind::review,
                rule_status::unknown,
                "order currency " + req.order.currency + " differs from policy currency " +
                    pol.currency);
            return;
        }
        const auto amount = req.refund.amount_requested;
        const bool over =
            pol.manual_review_min_amount > 0 && amount >= pol.manual_review_min_amount;
        add("manual_review_amount",
            rule_kind::review,
            over ? rule_status::fail : rule_status::pass,
            money(amount) + (over ? " is at or above" : " is below") +
                " the manual review threshold " + policy_money(pol.manual_review_min_amount));
    }

    void chargeback_history() {
        if (!ctx.has_stats) {
            add("chargeback_history",
                rule_kind::review,
                rule_status::unknown,
                "no customer history available");
            return;
        }
        if (!ctx.stats.chargeback_count_365d) {
            add("chargeback_history",
                rule_kind::review,
                rule_status::unknown,
                "no dispute history available for this customer");
            return;
        }
        const auto n = *ctx.stats.chargeback_count_365d;
        add("chargeback_history",
            rule_kind::review,
            n >= pol.manual_review_min_chargebacks ? rule_status::fail : rule_status::pass,
            std::to_string(n) + " chargebacks in 365 days; review from " +
                std::to_string(pol.manual_review_min_chargebacks));
    }

    void missing_delivery_evidence() {
        const char* id = "missing_delivery_evidence";
        if (!claims.not_received) {
            add(id, rule_kind::review, rule_status::pass, "no missing-parcel claim");
        } else if (ctx.delivery.status != "delivered") {
            add(id,
                rule_kind::review,
                rule_status::pass,
                "parcel claimed missing and the carrier does not report delivery");
        } else if (!comparable()) {
            add(id,
                rule_kind::review,
                rule_status::unknown,
                "cannot compare the amount with the policy currency");
        } else if (req.refund.amount_requested <= pol.evidence_required_over_amount) {
            add(id,
                rule_kind::review,
                rule_status::pass,
                "claimed missing though delivered; amount within " +
                    policy_money(pol.evidence_required_over_amount) + " needs no evidence");
        } else if (model::has_evidence(req, {"photo", "carrier_scan", "video"})) {
            add(id,
                rule_kind::review,
                rule_status::pass,
                "claimed missing though delivered; evidence provided");
        } else {
            add(id,
                rule_kind::review,
                rule_status::fail,
                "claimed missing though the carrier reports delivery, above " +
                    policy_money(pol.evidence_required_over_amount) +
                    ", with no carrier scan or photo evidence");
        }
    }

    void auto_approve_amount() {
        if (!comparable()) {
            add("auto_approve_amount",
                rule_kind::threshold,
                rule_status::unknown,
                "order currency differs from policy currency");
            return;
        }
        const auto amount = req.refund.amount_requested;
        const bool ok = amount <= pol.auto_approve_max_amount;
        add("auto_approve_amount",
            rule_kind::threshold,
            ok ? rule_status::pass : rule_status::fail,
            money(amount) + (ok ? " is within" : " is above") + " the auto-approve limit " +
                policy_money(pol.auto_approve_max_amount));
    }

    void auto_approve_risk() {
        const bool ok = risk <= pol.auto_approve_max_risk;
        add("auto_approve_risk",
            rule_kind::threshold,
            ok ? rule_status::pass : rule_status::fail,
            "risk " + risk::format_score(risk) + (ok ? " is within" : " is above") +
                " the auto-approve limit " + risk::format_score(pol.auto_approve_max_risk));
    }

    void nuance(
        std::string_view id,
        nuance_mode mode,
        const std::vector<std::string>& categories,
        std::string_view label
    ) {
        const auto it = std::find_if(
            req.order.items.begin(),
            req.order.items.end(),
            [&](const model::line_item& i) { return contains(categories, i.category); }
        );
        if (it == req.order.items.end()) {
            add(id, rule_kind::review, rule_status::pass, "no " + std::string(label) + " items");
            return;
        }
        switch (mode) {
            case nuance_mode::allow:
                add(id,
                    rule_kind::review,
                    rule_status::pass,
                    std::string(label) + " items are refundable under this policy");
                break;
            case nuance_mode::review_only:
                add(id,
                    rule_kind::review,
                    rule_status::fail,
                    std::string(label) + " item " + it->sku + " is refunded only after human review"
                );
                break;
            case nuance_mode::deny:
                add(id,
                    rule_kind::hard_block,
                    rule_status::fail,
                    std::string(label) + " item " + it->sku + " is not refundable");
                break;
        }
    }
};

}  // namespace

const rule_result* policy_evaluation::find(std::string_view id) const {
    for (const auto& r : rules) {
        if (r.id == id) {
            return &r;
        }
    }
    return nullptr;
}

bool policy_evaluation::failed(std::string_view id) const {
    const auto* r = find(id);
    return r != nullptr && r->status == rule_status::fail;
}

bool policy_evaluation::hard_blocked() const {
    return std::any_of(rules.begin(), rules.end(), [](const rule_result& r) {
        return r.kind == rule_kind::hard_block && r.status == rule_status::fail;
    });
}

bool policy_evaluation::policy_failed() const {
    return std::any_of(rules.begin(), rules.end(), [](const rule_result& r) {
        return r.kind != rule_kind::threshold && r.status == rule_status::fail;
    });
}

const std::vector<std::string_view>& rule_ids() {
    static const std::vector<std::string_view> ids = {
        "order_known",
        "within_refund_window",
        "non_refundable_category",
        "final_sale",
        "amount_within_refundable",
        "currency_match",
        "manual_review_amount",
        "chargeback_history",
        "missing_delivery_evidence",
        "auto_approve_amount",
        "auto_approve_risk",
        "subscription_terms",
        "digital_terms",
    };
    return ids;
}

policy_evaluation evaluate(
    const model::refund_request& request,
    const model::enriched_context& context,
    const model::claims& claims,
    const refund_policy& policy,
    double risk_score
) {
    evaluator e{request, context, claims, policy, risk_score, {}};
    e.out.rules.reserve(rule_ids().size());
    e.order_known();
    e.within_refund_window();
    e.non_refundable_category();
    e.final_sale();
    e.amount_within_refundable();
    e.currency_match();
    e.manual_review_amount();
    e.chargeback_history();
    e.missing_delivery_evidence();
    e.auto_approve_amount();
    e.auto_approve_risk();
    e.nuance(
        "subscription_terms", policy.subscription, policy.subscription_categories, "subscription"
    );
    e.nuance("digital_terms", policy.digital, policy.digital_categories, "digital or usage-based");
    return std::move(e.out);
}

}  // namespace refundbot::pipeline::policy
