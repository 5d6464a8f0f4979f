#pragma once

#include "pipeline/core/money.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace refundbot::pipeline::approval {

/// One entry of review.approvers: a Slack user id (U.../W...) or user group id (S...), and the
/// most it may approve per currency (minor units). A currency missing from `max` cannot be
/// approved by it.
struct approver {
    std::string id;
    std::map<std::string, std::int64_t> max;
};

/// Who may act on review cards and look things up.
struct authority_settings {
    std::vector<approver> approvers;
    std::vector<std::string> viewers;                    ///< may use /refund, not decide
    std::vector<std::string> backup_approvers;           ///< mentioned when a review is escalated
    std::map<std::string, std::int64_t> four_eyes_over;  ///< above: two approvers
    std::map<std::string, std::int64_t> confirm_over;    ///< above: Approve asks to confirm

    [[nodiscard]] bool empty() const { return approvers.empty(); }
};

/// The ids (user and group) that together identify a Slack user.
struct reviewer_identity {
    std::string user_id;
    std::set<std::string> groups;  ///< user groups the user belongs to
};

struct authority_check {
    bool allowed = false;
    std::string reason;  ///< why not, for the ephemeral reply and the audit
};

/// Whether `who` may decide a review of `amount` (approve, deny, request evidence or offer a
/// replacement alike): an approver entry naming the user or one of their groups with a limit
/// in the currency at or above the amount.
[[nodiscard]] authority_check may_decide(
    const authority_settings& s, const reviewer_identity& who, const core::money& amount
);

/// Whether `who` may use /refund (approvers and viewers).
[[nodiscard]] bool may_view(const authority_settings& s, const reviewer_identity& who);

/// Every user group id named in the settings (to resolve memberships).
[[nodiscard]] std::set<std::string> groups_named(const authority_settings& s);

[[nodiscard]] bool needs_four_eyes(const authority_settings& s, const core::money& amount);
[[nodiscard]] bool needs_confirmation(const authority_settings& s, const core::money& amount);

}  // namespace refundbot::pipeline::approval
