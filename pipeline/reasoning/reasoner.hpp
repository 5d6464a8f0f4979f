#pragma once

#include "pipeline/model/claims.hpp"
#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/policy/rules.hpp"
#include "pipeline/risk/risk.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace refundbot::pipeline::reasoning {

/// Everything a reasoner may look at. It recommends; it never executes anything.
struct reasoning_input {
    const model::refund_request& request;
    const model::enriched_context& context;
    const model::claims& claims;
    const policy::refund_policy& policy;
    const policy::policy_evaluation& evaluation;
    const risk::risk_assessment& risk;
};

/// A reasoner's raw answer: JSON to be checked by the guard, or why there is none.
struct reasoner_output {
    std::optional<boost::json::value> json;
    std::string error;  ///< "timeout", "HTTP 529", ... when json is empty
};

/// The port every reasoner implements: the offline rules reasoner here, LLM providers in
/// adapters/llm/. Output is untrusted until the guard has checked it.
class reasoner {
public:
    virtual ~reasoner() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    [[nodiscard]] virtual reasoner_output reason(const reasoning_input& input) = 0;
};

}  // namespace refundbot::pipeline::reasoning
