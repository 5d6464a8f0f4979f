#pragma once

#include "adapters/http/client.hpp"
#include "adapters/llm/model_reasoner.hpp"
#include "bot/app/config.hpp"
#include "pipeline/ports/language_model.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <optional>
#include <string>

namespace refundbot::bot::app {

/// The language model reasoner of an `llm` config section with everything it talks through:
/// its own HTTP client (long timeouts, its own retries), the provider and the reasoner.
struct model_stack {
    std::optional<adapters::http::client> client;
    std::unique_ptr<pipeline::ports::language_model> model;
    std::optional<adapters::llm::model_reasoner> reasoner;
    std::string prompt_version;
};

/// Builds the stack for `llm.provider` (openai or anthropic) with the built-in prompts; null
/// for the rules reasoner. Shared by `serve` and `replay`.
[[nodiscard]] std::unique_ptr<model_stack> make_model_stack(
    const llm_config& llm,
    const pipeline::reasoning::schema_validator& contract,
    const boost::json::value& contract_schema
);

}  // namespace refundbot::bot::app
