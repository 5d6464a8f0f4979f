#pragma once

#include "pipeline/model/claims.hpp"
#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/policy/rules.hpp"
#include "pipeline/risk/risk.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// One call to a language model, as recorded for audits, metrics and replays. Bodies are
/// stored with personal data masked.
struct model_call {
    std::string provider;  ///< "openai", "anthropic"
    std::string model;
    std::string prompt_version;
    int attempt = 1;      ///< 2 for the repair attempt
    std::string outcome;  ///< "ok", "invalid" (repairable answer), "failed"
    std::string failure;  ///< why, for "invalid" and "failed"
    std::int64_t latency_ms = 0;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cost_microusd = 0;  ///< estimated from the configured prices
    std::string request_body;
    std::string response_body;
};

/// A reasoner's raw answer: JSON to be checked by the guard, or why there is none.
struct reasoner_output {
    std::optional<boost::json::value> json;
    std::string error;  ///< "timeout", "HTTP 529", ... when json is empty
    /// Why a model reasoner could not give its own answer ("AI unavailable: ..."); the json
    /// is then the rules reasoner's view turned into ESCALATE.
    std::string unavailable;
    std::string prompt_version;
    std::vector<model_call> calls;
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
