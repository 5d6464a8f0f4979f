#include "tests/support/fake_llm.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <regex>
#include <thread>

namespace refundbot::tests {

namespace json = boost::json;
using bot::server::http_request;
using bot::server::http_response;

namespace {

// Strict mode's rules: every object closed and every property required.
std::string strict_violation(const json::value& v, const std::string& at) {
    if (v.is_array()) {
        for (const auto& item : v.get_array()) {
            if (auto e = strict_violation(item, at + "[]"); !e.empty()) {
                return e;
            }
        }
        return {};
    }
    if (!v.is_object()) {
        return {};
    }
    const auto& o = v.get_object();
    if (const auto* props = o.if_contains("properties"); props && props->is_object()) {
        const auto* extra = o.if_contains("additionalProperties");
        if (extra == nullptr || !extra->is_bool() || extra->get_bool()) {
            return at + ": additionalProperties must be false";
        }
        const auto* required = o.if_contains("required");
        if (required == nullptr || !required->is_array() ||
            required->get_array().size() != props->get_object().size()) {
            return at + ": every property must be required";
        }
        for (const auto& [k, p] : props->get_object()) {
            if (auto e = strict_violation(p, at + "." + std::string(k)); !e.empty()) {
                return e;
            }
        }
    }
    for (const char* k : {"items", "anyOf"}) {
        if (const auto* sub = o.if_contains(k)) {
            if (auto e = strict_violation(*sub, at + "." + k); !e.empty()) {
                return e;
            }
        }
    }
    for (const char* banned : {"allOf", "not", "if", "then", "else", "dependentRequired"}) {
        if (o.contains(banned)) {
            return at + ": " + banned + " is not supported in strict mode";
        }
    }
    return {};
}

std::string text_at(const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::string decision_json(
    const std::string& decision, double confidence, const std::string& summary
) {
    return json::serialize(json::object{
        {"decision", decision},
        {"confidence", confidence},
        {"category", "NOT_AS_DESCRIBED"},
        {"reasoning_summary", summary},
        {"policy_alignment", json::array{}},
        {"recommended_actions", json::array{}},
        {"risk_notes", json::array{}},
        {"human_review_required", decision != "APPROVE"},
    });
}

fake_llm::fake_llm(dialect d, std::string api_key, std::string model)
    : dialect_(d),
      key_(std::move(api_key)),
      model_(std::move(model)),
      default_{.content = decision_json()},
      server_([this](const http_request& req) { return handle(req); }) {}

void fake_llm::script(std::vector<llm_answer> answers) {
    std::lock_guard lock(mutex_);
    script_.assign(answers.begin(), answers.end());
}

void fake_llm::set_default(llm_answer answer) {
    std::lock_guard lock(mutex_);
    default_ = std::move(answer);
}

std::string fake_llm::base_url() const {
    return server_.base_url() + (dialect_ == dialect::openai ? "/v1" : "");
}

std::vector<std::string> fake_llm::rejections() const {
    std::lock_guard lock(mutex_);
    return rejections_;
}

std::vector<std::string> fake_llm::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string fake_llm::check_openai(const http_request& req) const {
    if (req.method != "POST" || req.path != "/v1/chat/completions") {
        return "expected POST /v1/chat/completions, got " + req.method + " " + req.path;
    }
    if (req.header("authorization") != std::optional<std::string_view>("Bearer " + key_)) {
        return "401";
    }
    const auto body = json::parse(req.body).as_object();
    if (text_at(body, "model") != model_) {
        return "model must be " + model_;
    }
    const auto* messages = body.if_contains("messages");
    if (messages == nullptr || !messages->is_array() || messages->get_array().size() < 2) {
        return "messages: a system and a user message are required";
    }
    const std::vector<std::string> roles{"system", "user", "assistant", "user"};
    std::size_t i = 0;
    for (const auto& m : messages->get_array()) {
        if (!m.is_object() || i >= roles.size() || text_at(m.get_object(), "role") != roles[i] ||
            text_at(m.get_object(), "content").empty()) {
            return "messages[" + std::to_string(i) + "]: expected a " +
                   (i < roles.size() ? roles[i] : "") + " message with content";
        }
        ++i;
    }
    const auto* temperature = body.if_contains("temperature");
    if (temperature == nullptr || !temperature->is_number()) {
        return "temperature: a number is expected";
    }
    if (body.contains("max_tokens") == body.contains("max_completion_tokens")) {
        return "exactly one of max_tokens and max_completion_tokens is expected";
    }
    const auto* format = body.if_contains("response_format");
    if (format == nullptr || !format->is_object() ||
        text_at(format->get_object(), "type") != "json_schema") {
        return "response_format.type must be json_schema";
    }
    const auto* schema = format->get_object().if_contains("json_schema");
    if (schema == nullptr || !schema->is_object()) {
        return "response_format.json_schema is required";
    }
    const auto& s = schema->get_object();
    if (!std::regex_match(text_at(s, "name"), std::regex("[a-zA-Z0-9_-]{1,64}"))) {
        return "response_format.json_schema.name must match [a-zA-Z0-9_-]{1,64}";
    }
    const auto* strict = s.if_contains("strict");
    const auto* root = s.if_contains("schema");
    if (strict == nullptr || !strict->is_bool() || !strict->get_bool() || root == nullptr ||
        !root->is_object() || text_at(root->get_object(), "type") != "object") {
        return "response_format.json_schema: strict true and an object schema are required";
    }
    return strict_violation(*root, "schema");
}

std::string fake_llm::check_anthropic(const http_request& req) const {
    if (req.method != "POST" || req.path != "/v1/messages") {
        return "expected POST /v1/messages, got " + req.method + " " + req.path;
    }
    if (req.header("x-api-key") != std::optional<std::string_view>(key_)) {
        return "401";
    }
    if (req.header("anthropic-version") != std::optional<std::string_view>("2023-06-01")) {
        return "anthropic-version: 2023-06-01 is required";
    }
    const auto body = json::parse(req.body).as_object();
    if (text_at(body, "model") != model_) {
        return "model must be " + model_;
    }
    const auto* max_tokens = body.if_contains("max_tokens");
    if (max_tokens == nullptr || !max_tokens->is_int64() || max_tokens->get_int64() < 1) {
        return "max_tokens: required";
    }
    if (text_at(body, "system").empty()) {
        return "system: the system prompt is expected as a top-level string";
    }
    const auto* messages = body.if_contains("messages");
    if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
        return "messages: required";
    }
    std::size_t i = 0;
    for (const auto& m : messages->get_array()) {
        const auto role = m.is_object() ? text_at(m.get_object(), "role") : "";
        if (role != (i % 2 == 0 ? "user" : "assistant") || !m.get_object().contains("content")) {
            return "messages[" + std::to_string(i) + "]: roles must alternate from user";
        }
        ++i;
    }
    const auto* tools = body.if_contains("tools");
    if (tools == nullptr || !tools->is_array() || tools->get_array().size() != 1) {
        return "tools: one tool expected";
    }
    const auto& tool = tools->get_array()[0].as_object();
    const auto* input_schema = tool.if_contains("input_schema");
    if (text_at(tool, "name") != "record_decision" || input_schema == nullptr ||
        !input_schema->is_object() || text_at(input_schema->get_object(), "type") != "object") {
        return "tools[0]: record_decision with an object input_schema expected";
    }
    const auto* choice = body.if_contains("tool_choice");
    if (choice == nullptr || !choice->is_object() ||
        text_at(choice->get_object(), "type") != "tool" ||
        text_at(choice->get_object(), "name") != "record_decision") {
        return "tool_choice must force record_decision";
    }
    return {};
}

http_response fake_llm::render(const llm_answer& a) const {
    if (a.status != 200) {
        http_response r = http_response::json(
            a.status,
            dialect_ == dialect::openai
                ? R"({"error":{"message":"scripted failure","type":")" + a.error_type +
                      R"(","code":null}})"
                : R"({"type":"error","error":{"type":")" + a.error_type +
                      R"(","message":"scripted failure"},"request_id":"req_test"})"
        );
        if (!a.retry_after.empty()) {
            r.headers.emplace_back("Retry-After", a.retry_after);
        }
        return r;
    }
    if (dialect_ == dialect::openai) {
        json::object message{
            {"role", "assistant"},
            {"content", a.refusal.empty() ? json::value(a.content) : json::value(nullptr)},
            {"refusal", a.refusal.empty() ? json::value(nullptr) : json::value(a.refusal)},
        };
        return http_response::json(
            200,
            json::serialize(json::object{
                {"id", "chatcmpl-test"},
                {"object", "chat.completion"},
                {"model", model_},
                {"choices",
                 json::array{json::object{
                     {"index", 0},
                     {"message", std::move(message)},
                     {"finish_reason", a.finish.empty() ? "stop" : a.finish},
                 }}},
                {"usage",
                 json::object{
                     {"prompt_tokens", 1200}, {"completion_tokens", 150}, {"total_tokens", 1350}}},
            })
        );
    }
    json::array content;
    boost::system::error_code ec;
    auto input = json::parse(a.content, ec);
    if (!ec && input.is_object()) {
        content.push_back(json::object{
            {"type", "tool_use"},
            {"id", "toolu_01" + std::to_string(served_)},
            {"name", "record_decision"},
            {"input", std::move(input)},
        });
    } else {
        content.push_back(json::object{{"type", "text"}, {"text", a.content}});
    }
    return http_response::json(
        200,
        json::serialize(json::object{
            {"id", "msg_test"},
            {"type", "message"},
            {"role", "assistant"},
            {"model", model_},
            {"content", std::move(content)},
            {"stop_reason", a.finish.empty() ? "tool_use" : a.finish},
            {"stop_sequence", nullptr},
            {"usage", json::object{{"input_tokens", 1100}, {"output_tokens", 140}}},
        })
    );
}

http_response fake_llm::handle(const http_request& req) {
    llm_answer answer;
    {
        std::lock_guard lock(mutex_);
        boost::system::error_code ec;
        const auto parsed = json::parse(req.body, ec);
        std::string problem = ec || !parsed.is_object() ? "the body is not a JSON object" : "";
        if (problem.empty()) {
            problem = dialect_ == dialect::openai ? check_openai(req) : check_anthropic(req);
        }
        if (!problem.empty()) {
            rejections_.push_back(problem);
            const bool auth = problem == "401";
            return http_response::json(
                auth ? 401 : 400,
                R"({"error":{"type":")" +
                    std::string(auth ? "authentication_error" : "invalid_request_error") +
                    R"(","message":)" + json::serialize(json::value(problem)) + "}}"
            );
        }
        requests_.push_back(req.body);
        ++served_;
        if (!script_.empty()) {
            answer = script_.front();
            script_.pop_front();
        } else {
            answer = default_;
        }
    }
    std::this_thread::sleep_for(answer.delay);
    std::lock_guard lock(mutex_);
    return render(answer);
}

}  // namespace refundbot::tests
