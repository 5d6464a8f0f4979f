#include "bot/app/model_stack.hpp"

#include "adapters/llm/anthropic_messages.hpp"
#include "adapters/llm/openai_chat.hpp"
#include "adapters/llm/strict_schema.hpp"

#include "templates/templates.hpp"
#include <boost/json/value.hpp>

namespace refundbot::bot::app {

namespace {

// A one-line template file without its trailing newline.
std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

}  // namespace

std::unique_ptr<model_stack> make_model_stack(
    const llm_config& llm,
    const pipeline::reasoning::schema_validator& contract,
    const boost::json::value& contract_schema
) {
    if (!llm.uses_model()) {
        return nullptr;
    }
    auto stack = std::make_unique<model_stack>();
    adapters::http::client_settings http;
    http.connect_timeout =
        std::min<std::chrono::milliseconds>(llm.timeout, std::chrono::seconds(5));
    http.request_timeout = llm.timeout;
    http.max_attempts = llm.max_attempts;
    http.max_retry_after = std::chrono::seconds(10);
    auto& client = stack->client.emplace(http);
    auto settings = llm.model;
    settings.schema = adapters::llm::strict_schema(contract_schema);
    if (llm.provider == "anthropic") {
        stack->model =
            std::make_unique<adapters::llm::anthropic_messages>(client, std::move(settings));
    } else {
        stack->model = std::make_unique<adapters::llm::openai_chat>(client, std::move(settings));
    }
    stack->prompt_version = trimmed(templates::get("prompts/version.txt"));
    auto guardrails = llm.guardrails;
    guardrails.prompts = {
        stack->prompt_version,
        std::string(templates::get("prompts/system.txt")),
        std::string(templates::get("prompts/user.txt")),
    };
    stack->reasoner.emplace(*stack->model, contract, std::move(guardrails));
    return stack;
}

}  // namespace refundbot::bot::app
