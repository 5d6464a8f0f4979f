#pragma once

#include "pipeline/core/secret.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace refundbot::adapters::llm {

/// How to reach one model. Timeouts and retries belong to the HTTP client it is given.
struct model_settings {
    std::string base_url;  ///< https://api.openai.com/v1, https://api.anthropic.com, ...
    std::string model;     ///< for Azure OpenAI the deployment is in base_url; still named here
    pipeline::core::secret api_key;
    /// OpenAI-compatible only: "bearer" (Authorization: Bearer) or "api-key" (Azure).
    std::string auth = "bearer";
    /// OpenAI-compatible only: sent as ?api-version= (Azure OpenAI).
    std::string api_version;
    /// OpenAI-compatible only: "max_completion_tokens" (OpenAI) or "max_tokens" (Ollama,
    /// llama.cpp and older servers read only this one).
    std::string token_limit_field = "max_completion_tokens";
    /// Anthropic only: the anthropic-version header.
    std::string anthropic_version = "2023-06-01";
    double temperature = 0;
    std::int64_t max_output_tokens = 1024;
    boost::json::object schema;  ///< strict_schema() of the decision schema
};

}  // namespace refundbot::adapters::llm
