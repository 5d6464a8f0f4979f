#include "pipeline/approval/authority.hpp"

namespace refundbot::pipeline::approval {

namespace {

bool names(const std::string& id, const reviewer_identity& who) {
    return id == who.user_id || who.groups.contains(id);
}

bool above(const std::map<std::string, std::int64_t>& limits, const core::money& amount) {
    const auto it = limits.find(amount.currency);
    return it != limits.end() && amount.minor > it->second;
}

}  // namespace

authority_check may_decide(
    const authority_settings& s, const reviewer_identity& who, const core::money& amount
) {
    bool listed = false;
    std::optional<std::int64_t> best;
    for (const auto& a : s.approvers) {
        if (!names(a.id, who)) {
            continue;
        }
        listed = true;
        if (const auto it = a.max.find(amount.currency); it != a.max.end()) {
            best = std::max(best.value_or(it->second), it->second);
        }
    }
    if (!listed) {
        return {false, "you are not a configured refund approver"};
    }
    if (!best) {
        return {false, "your approval limit does not cover " + amount.currency};
    }
    if (amount.minor > *best) {
        return {
            false,
            core::format_money(amount) + " is above your approval limit of " +
                core::format_money({*best, amount.currency})};
    }
    return {true, {}};
}

bool may_view(const authority_settings& s, const reviewer_identity& who) {
    for (const auto& a : s.approvers) {
        if (names(a.id, who)) {
            return true;
        }
    }
    for (const auto& id : s.viewers) {
        if (names(id, who)) {
            return true;
        }
    }
    return false;
}

std::set<std::string> groups_named(const authority_settings& s) {
    std::set<std::string> out;
    const auto add = [&](const std::string& id) {
        if (id.starts_with('S')) {
            out.insert(id);
        }
    };
    for (const auto& a : s.approvers) {
        add(a.id);
    }
    for (const auto& id : s.viewers) {
        add(id);
    }
    return out;
}

bool needs_four_eyes(const authority_settings& s, const core::money& amount) {
    return above(s.four_eyes_over, amount);
}

bool needs_confirmation(const authority_settings& s, const core::money& amount) {
    return above(s.confirm_over, amount);
}

}  // namespace refundbot::pipeline::approval
