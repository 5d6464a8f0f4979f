#include "adapters/llm/anthropic_messages.hpp"

#include "adapters/llm/call.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::adapters::llm {

namespace json = boost::json;
using pipeline::ports::model_reply;

namespace {

constexpr const char* tool_name = "record_decision";

std::int64_t count(const json::object& usage, std::string_view key) {
    const auto* v = usage.if_contains(key);
    return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

model_reply anthropic_messages::ask(
    const pipeline::reasoning::prompt& prompt, const pipeline::ports::model_repair* repair
) {
    json::array messages{json::object{{"role", "user"}, {"content", prompt.user}}};
    if (repair != nullptr) {
        const std::string correction = "Your decision does not match the schema:\n" +
                                       repair->problems + "\nCall " + tool_name +
                                       " again with a corrected decision.";
        if (!repair->call_id.empty()) {
            // The documented way to report a bad tool call: a tool_result marked as an error.
            boost::system::error_code ec;
            auto input = json::parse(repair->previous_answer, ec);
            messages.push_back(json::object{
                {"role", "assistant"},
                {"content",
                 json::array{json::object{
                     {"type", "tool_use"},
                     {"id", repair->call_id},
                     {"name", tool_name},
                     {"input", ec || !input.is_object() ? json::value(json::object{}) : input},
                 }}},
            });
            messages.push_back(json::object{
                {"role", "user"},
                {"content",
                 json::array{json::object{
                     {"type", "tool_result"},
                     {"tool_use_id", repair->call_id},
                     {"is_error", true},
                     {"content", correction},
                 }}},
            });
        } else {
            messages.push_back(json::object{
                {"role", "assistant"}, {"content", repair->previous_answer}});
            messages.push_back(json::object{{"role", "user"}, {"content", correction}});
        }
    }
    json::object body{
        {"model", settings_.model},
        {"max_tokens", settings_.max_output_tokens},
        {"temperature", settings_.temperature},
        {"system", prompt.system},
        {"messages", std::move(messages)},
        {"tools",
         json::array{json::object{
             {"name", tool_name},
             {"description", "Record the refund decision. Call it exactly once."},
             {"input_schema", settings_.schema},
         }}},
        {"tool_choice",
         json::object{{"type", "tool"}, {"name", tool_name}, {"disable_parallel_tool_use", true}}},
    };
    std::vector<http::header_field> headers{
        {"x-api-key", std::string(settings_.api_key.reveal())},
        {"anthropic-version", settings_.anthropic_version},
    };
    model_reply reply;
    const auto doc =
        post_json(http_, settings_.base_url + "/v1/messages", std::move(headers), body, reply);
    if (!doc) {
        return reply;
    }
    if (const auto* usage = doc->if_contains("usage"); usage && usage->is_object()) {
        reply.input_tokens = count(usage->get_object(), "input_tokens");
        reply.output_tokens = count(usage->get_object(), "output_tokens");
    }
    const auto stop = text_of(*doc, "stop_reason");
    if (stop == "refusal") {
        reply.failure = "the model refused (stop_reason refusal)";
        return reply;
    }
    if (stop == "max_tokens" || stop == "model_context_window_exceeded") {
        reply.failure = "the answer was cut off (stop_reason " + stop + ")";
        return reply;
    }
    const auto* content = doc->if_contains("content");
    if (content == nullptr || !content->is_array()) {
        reply.failure = "the answer has no content";
        return reply;
    }
    for (const auto& block : content->get_array()) {
        if (!block.is_object()) {
            continue;
        }
        const auto& b = block.get_object();
        if (text_of(b, "type") == "tool_use" && text_of(b, "name") == tool_name) {
            reply.call_id = text_of(b, "id");
            if (const auto* input = b.if_contains("input")) {
                reply.raw_answer = json::serialize(*input);
                if (input->is_object()) {
                    reply.answer = *input;
                }
            }
            return reply;
        }
        if (text_of(b, "type") == "text") {
            reply.raw_answer += text_of(b, "text");  // no tool call: repair from the text
        }
    }
    return reply;
}

}  // namespace refundbot::adapters::llm
