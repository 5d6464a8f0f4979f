#pragma once

#include "pipeline/approval/gate.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"

#include <string>

namespace refundbot::pipeline::approval {

/// Where a request sits for graduated autonomy, and the mode that applies to it.
struct segment_match {
    std::string category;     ///< the items' category, "mixed" or "unknown"
    std::string amount_band;  ///< one of policy::amount_band_names, or "other_currency"
    std::string source;
    std::string segment;  ///< the matching segment's name; empty for the policy default
    policy::autonomy_mode mode = policy::autonomy_mode::live;
};

/// The category a request is counted under: its items' category when they share one, "mixed"
/// when they do not, "unknown" without items. Taken from the order, never from the reasoner,
/// so a model cannot talk a case into a live segment.
[[nodiscard]] std::string request_category(const model::refund_request& request);

/// The amount band of the requested amount; a request in another currency than the policy's
/// cannot be placed and is "other_currency".
[[nodiscard]] std::string amount_band(
    const model::refund_request& request, const policy::refund_policy& policy
);

/// The segment (first match in policy order) and mode for a request.
[[nodiscard]] segment_match match_segment(
    const model::refund_request& request, const policy::refund_policy& policy
);

/// Applies the mode to the bot's own route: live keeps it; shadow sends every case to a human
/// and adds "shadow_mode" to the reasons, so the would-be route stays on record beside it.
[[nodiscard]] gate_result apply_mode(gate_result bot, policy::autonomy_mode mode);

}  // namespace refundbot::pipeline::approval
