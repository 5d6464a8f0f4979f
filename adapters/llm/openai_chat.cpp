#include "adapters/llm/openai_chat.hpp"

#include "adapters/llm/call.hpp"

namespace refundbot::adapters::llm {

namespace json = boost::json;
using pipeline::ports::model_reply;

namespace {

std::int64_t count(const json::object& usage, std::string_view key) {
    const auto* v = usage.if_contains(key);
    return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

json::object message(std::string_view role, std::string_view content) {
    return {{"role", role}, {"content", content}};
}

}  // namespace

model_reply openai_chat::ask(
    const pipeline::reasoning::prompt& prompt, const pipeline::ports::model_repair* repair
) {
    json::array messages{message("system", prompt.system), message("user", prompt.user)};
    if (repair != nullptr) {
        messages.push_back(message("assistant", repair->previous_answer));
        messages.push_back(message(
            "user",
            "Your answer does not match the decision schema:\n" + repair->problems +
                "\nAnswer again with the corrected JSON object only."
        ));
    }
    json::object body{
        {"model", settings_.model},
        {"messages", std::move(messages)},
        {"temperature", settings_.temperature},
        {settings_.token_limit_field, settings_.max_output_tokens},
        {"response_format",
         json::object{
             {"type", "json_schema"},
             {"json_schema",
              json::object{
                  {"name", "refund_decision"},
                  {"strict", true},
                  {"schema", settings_.schema},
              }},
         }},
    };
    std::vector<http::header_field> headers;
    if (!settings_.api_key.empty()) {
        const auto key = std::string(settings_.api_key.reveal());
        if (settings_.auth == "api-key") {
            headers.push_back({"api-key", key});
        } else {
            headers.push_back({"Authorization", "Bearer " + key});
        }
    }
    auto url = settings_.base_url + "/chat/completions";
    if (!settings_.api_version.empty()) {
        url += "?api-version=" + settings_.api_version;
    }
    model_reply reply;
    const auto doc = post_json(http_, std::move(url), std::move(headers), body, reply);
    if (!doc) {
        return reply;
    }
    if (const auto* usage = doc->if_contains("usage"); usage && usage->is_object()) {
        reply.input_tokens = count(usage->get_object(), "prompt_tokens");
        reply.output_tokens = count(usage->get_object(), "completion_tokens");
    }
    const auto* choices = doc->if_contains("choices");
    if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
        !choices->get_array()[0].is_object()) {
        reply.failure = "the answer has no choices";
        return reply;
    }
    const auto& choice = choices->get_array()[0].get_object();
    const auto* finish = choice.if_contains("finish_reason");
    const std::string finish_reason =
        finish != nullptr && finish->is_string() ? std::string(finish->get_string()) : "";
    const auto* msg = choice.if_contains("message");
    if (msg == nullptr || !msg->is_object()) {
        reply.failure = "the answer has no message";
        return reply;
    }
    // Ollama and some servers have no refusal field; OpenAI sends null when there is none.
    if (const auto* refusal = msg->get_object().if_contains("refusal");
        refusal != nullptr && refusal->is_string()) {
        reply.failure = "the model refused: " + std::string(refusal->get_string()).substr(0, 200);
        return reply;
    }
    if (finish_reason == "length") {
        reply.failure = "the answer was cut off (finish_reason length)";
        return reply;
    }
    if (finish_reason == "content_filter") {
        reply.failure = "the answer was withheld by the content filter";
        return reply;
    }
    const auto* content = msg->get_object().if_contains("content");
    if (content == nullptr || !content->is_string()) {
        reply.failure = "the answer has no content";
        return reply;
    }
    reply.raw_answer = std::string(content->get_string());
    reply.answer = parse_answer(reply.raw_answer);
    return reply;
}

}  // namespace refundbot::adapters::llm
