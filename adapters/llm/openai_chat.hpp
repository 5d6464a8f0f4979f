#pragma once

#include "adapters/llm/http_model.hpp"

namespace refundbot::adapters::llm {

/// An OpenAI-compatible Chat Completions API (OpenAI, Azure OpenAI, vLLM, llama.cpp server,
/// Ollama, LM Studio): `POST {base_url}/chat/completions` with `response_format` `json_schema`
/// in strict mode. A refusal, `finish_reason` `length` or `content_filter`, an HTTP error after
/// the client's retries and a timeout are failures; content that is not a JSON object is an
/// answer to repair.
/// @par Thread safety
/// ask() may be called from any thread.
class openai_chat final : public http_model {
public:
    using http_model::http_model;
    [[nodiscard]] std::string_view provider() const override { return "openai"; }
    [[nodiscard]] pipeline::ports::model_reply ask(
        const pipeline::reasoning::prompt& prompt, const pipeline::ports::model_repair* repair
    ) override;
};

}  // namespace refundbot::adapters::llm
