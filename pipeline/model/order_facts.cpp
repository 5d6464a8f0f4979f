#include "pipeline/model/order_facts.hpp"

#include <algorithm>

namespace refundbot::pipeline::model {

namespace {

// The found order, cut down to the lines the trigger named; false when a named line is not
// in the order (the lookup answered about something else).
bool complete_order(refund_request& request, order_info found, std::string& gap) {
    auto& partial = request.order;
    if (found.order_id.empty()) {
        found.order_id = partial.order_id;
    }
    std::vector<line_item> named;
    std::int64_t priced = 0;
    bool all_priced = true;
    for (const auto& want : partial.items) {
        const auto it = std::find_if(found.items.begin(), found.items.end(), [&](const auto& i) {
            return !want.line_item_id.empty() ? i.line_item_id == want.line_item_id
                                              : i.sku == want.sku;
        });
        if (it == found.items.end()) {
            gap = "the order lookup does not list line " +
                  (want.line_item_id.empty() ? want.sku : want.line_item_id);
            return false;
        }
        auto line = *it;
        line.quantity = want.quantity;
        if (line.price) {
            priced += *line.price * line.quantity;
        } else {
            all_priced = false;
        }
        named.push_back(std::move(line));
    }
    if (!named.empty()) {
        found.items = std::move(named);
    }
    if (request.refund.currency.empty()) {
        request.refund.currency = found.currency;
    }
    if (request.refund.amount_requested == 0 && !partial.items.empty() && all_priced) {
        request.refund.amount_requested = priced;
    }
    found.complete = true;
    partial = std::move(found);
    return true;
}

void merge_context(enriched_context& ours, const enriched_context& shop) {
    if (shop.delivery.status != "unknown") {
        ours.delivery = shop.delivery;
    }
    if (shop.has_stats) {
        auto& s = ours.stats;
        // The shop has seen every order; refundbot only those that became requests.
        s.lifetime_orders = std::max(s.lifetime_orders, shop.stats.lifetime_orders);
        s.lifetime_spend = std::max(s.lifetime_spend, shop.stats.lifetime_spend);
        if (shop.stats.account_age_days) {
            s.account_age_days = shop.stats.account_age_days;
        }
        if (shop.stats.chargeback_count_365d) {
            s.chargeback_count_365d =
                std::max(s.chargeback_count_365d.value_or(0), *shop.stats.chargeback_count_365d);
        }
        ours.has_stats = true;
    }
    // Refunds made in the shop itself count against the order like refundbot's own.
    for (const auto& refund : shop.prior_refunds) {
        const bool known = std::any_of(
            ours.prior_refunds.begin(),
            ours.prior_refunds.end(),
            [&](const prior_refund& r) { return r.refund_id == refund.refund_id; }
        );
        if (!known) {
            ours.prior_refunds.push_back(refund);
        }
    }
    if (shop.risk && !ours.risk) {
        ours.risk = shop.risk;
    }
}

}  // namespace

std::optional<std::string> complete_request(refund_request& request, const order_facts& facts) {
    const bool partial = !request.order.complete;
    if (!facts.unavailable.empty()) {
        return facts.unavailable;
    }
    if (request.customer.customer_id.empty()) {
        request.customer.customer_id = facts.customer_id;
    }
    if (!facts.order) {
        return partial ? std::optional<std::string>("the order lookup returned no order")
                       : std::nullopt;
    }
    if (!partial) {
        if (!request.order.delivered_at) {
            request.order.delivered_at = facts.order->delivered_at;
        }
        return std::nullopt;
    }
    std::string gap;
    if (!complete_order(request, *facts.order, gap)) {
        return gap;
    }
    return std::nullopt;
}

void merge_shop_context(enriched_context& context, const order_facts& facts) {
    if (facts.context) {
        merge_context(context, *facts.context);
    }
}

}  // namespace refundbot::pipeline::model
