#pragma once

#include "pipeline/reasoning/prompt.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::pipeline::ports {

/// A second turn after an answer that failed validation: the model sees its answer and the
/// validator's errors and is asked once to correct it.
struct model_repair {
    std::string previous_answer;  ///< the answer's text (or tool input) as received
    std::string call_id;          ///< the tool call it answered with, when the provider has one
    std::string problems;         ///< the validator's errors, one per line
};

/// What one call to a model produced.
struct model_reply {
    /// The recommendation object, parsed but not yet validated.
    std::optional<boost::json::value> answer;
    std::string raw_answer;  ///< the answer as the model wrote it
    std::string call_id;
    /// Set when there is no answer worth repairing: timeout, HTTP error after retries, refusal,
    /// truncation, content filter. Empty with no `answer`: the model wrote something that is
    /// not a JSON object (repairable).
    std::string failure;
    std::string request_body;  ///< exactly what was sent
    std::string response_body;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
};

/// A language model behind an HTTP API (OpenAI-compatible, Anthropic), asked for a decision
/// in the schema it was built with. Never throws for a failed call: that is a `failure`.
class language_model {
public:
    virtual ~language_model() = default;
    [[nodiscard]] virtual std::string_view provider() const = 0;
    [[nodiscard]] virtual const std::string& model() const = 0;
    [[nodiscard]] virtual model_reply ask(
        const reasoning::prompt& prompt, const model_repair* repair
    ) = 0;
};

}  // namespace refundbot::pipeline::ports
