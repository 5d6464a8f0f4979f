#pragma once

#include "pipeline/model/claims.hpp"
#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::risk {

/// One term of the score: value in [0, 1], times the policy's weight.
struct risk_signal {
    std::string_view name;
    double weight = 0;
    double value = 0;
    double contribution = 0;  ///< weight * value
    std::string detail;       ///< what the value was computed from, for reviewers
};

struct risk_assessment {
    double score = 0;                ///< the one used: max(computed, external)
    double computed = 0;             ///< min(1, sum of contributions)
    std::optional<double> external;  ///< from the trigger or the enrichment step
    std::vector<risk_signal> signals;
};

/// The explainable risk score (formula in the README). Pure and deterministic.
[[nodiscard]] risk_assessment assess(
    const model::refund_request& request,
    const model::enriched_context& context,
    const model::claims& claims,
    const policy::refund_policy& policy
);

/// "0.08".
[[nodiscard]] std::string format_score(double score);

}  // namespace refundbot::pipeline::risk
