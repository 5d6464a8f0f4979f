#include "pipeline/approval/autonomy.hpp"

#include <algorithm>

namespace refundbot::pipeline::approval {

namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string request_category(const model::refund_request& request) {
    std::string category;
    for (const auto& item : request.order.items) {
        const auto& c = item.category.empty() ? std::string("unknown") : item.category;
        if (category.empty()) {
            category = c;
        } else if (category != c) {
            return "mixed";
        }
    }
    return category.empty() ? "unknown" : category;
}

std::string amount_band(const model::refund_request& request, const policy::refund_policy& policy) {
    if (request.refund.currency != policy.currency) {
        return "other_currency";
    }
    const auto names = policy::amount_band_names(policy);
    const auto& edges = policy.autonomy.amount_bands;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (request.refund.amount_requested <= edges[i]) {
            return names[i];
        }
    }
    return names.back();
}

segment_match match_segment(
    const model::refund_request& request, const policy::refund_policy& policy
) {
    segment_match m{
        request_category(request),
        amount_band(request, policy),
        request.source,
        "",
        policy.autonomy.mode};
    for (const auto& s : policy.autonomy.segments) {
        if (listed(s.categories, m.category) && listed(s.amount_bands, m.amount_band) &&
            listed(s.sources, m.source)) {
            m.segment = s.name;
            m.mode = s.mode;
            break;
        }
    }
    return m;
}

gate_result apply_mode(gate_result bot, policy::autonomy_mode mode) {
    if (mode == policy::autonomy_mode::shadow) {
        bot.route = route::manual_review;
        bot.reasons.emplace_back("shadow_mode");
    }
    return bot;
}

}  // namespace refundbot::pipeline::approval
