#pragma once

#include "adapters/llm/http_model.hpp"

namespace refundbot::adapters::llm {

/// The Anthropic Messages API: `POST {base_url}/v1/messages` with `x-api-key` and
/// `anthropic-version`, one tool (`record_decision`) whose input schema is the decision schema,
/// forced by `tool_choice`; the answer is the tool_use block's input. `stop_reason` `refusal` or
/// `max_tokens`, an HTTP error after the client's retries (429 and 529 are retried there) and a
/// timeout are failures.
/// @par Thread safety
/// ask() may be called from any thread.
class anthropic_messages final : public http_model {
public:
    using http_model::http_model;
    [[nodiscard]] std::string_view provider() const override { return "anthropic"; }
    [[nodiscard]] pipeline::ports::model_reply ask(
        const pipeline::reasoning::prompt& prompt, const pipeline::ports::model_repair* repair
    ) override;
};

}  // namespace refundbot::adapters::llm
