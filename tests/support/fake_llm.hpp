#pragma once

#include "tests/support/fake_http_server.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// One scripted answer of a fake model API.
struct llm_answer {
    unsigned status = 200;
    /// The decision JSON (OpenAI: the message content; Anthropic: the tool input, which must
    /// then be an object) or any text the model should write.
    std::string content;
    std::string refusal;                 ///< OpenAI: message.refusal
    std::string finish = "";             ///< finish_reason / stop_reason; "" for the normal one
    std::string error_type;              ///< with a non-200 status
    std::string retry_after;             ///< Retry-After header
    std::chrono::milliseconds delay{0};  ///< answer late (a hang past the client's timeout)
};

/// A loopback OpenAI-compatible Chat Completions API (`POST /v1/chat/completions`) or Anthropic
/// Messages API (`POST /v1/messages`). Every request is checked against the documented shape
/// (auth header, model, messages, response_format json_schema in strict mode's rules, or the
/// forced record_decision tool) and rejected with 400/401 and the provider's error body when
/// malformed; well-formed ones get the next scripted answer (the default one when the script
/// is empty), with usage tokens.
class fake_llm {
public:
    enum class dialect { openai, anthropic };

    fake_llm(dialect d, std::string api_key, std::string model);

    void script(std::vector<llm_answer> answers);
    void set_default(llm_answer answer);
    /// base_url as refundbot's config takes it: ".../v1" for OpenAI, the origin for Anthropic.
    [[nodiscard]] std::string base_url() const;
    [[nodiscard]] std::vector<std::string> rejections() const;
    /// The bodies of the well-formed requests, in order.
    [[nodiscard]] std::vector<std::string> requests() const;

private:
    bot::server::http_response handle(const bot::server::http_request& req);
    std::string check_openai(const bot::server::http_request& req) const;
    std::string check_anthropic(const bot::server::http_request& req) const;
    bot::server::http_response render(const llm_answer& a) const;

    dialect dialect_;
    std::string key_;
    std::string model_;
    mutable std::mutex mutex_;
    std::deque<llm_answer> script_;
    llm_answer default_;
    std::vector<std::string> rejections_;
    std::vector<std::string> requests_;
    int served_ = 0;
    fake_http_server server_;
};

/// A decision object as a model would write it.
std::string decision_json(
    const std::string& decision = "APPROVE",
    double confidence = 0.92,
    const std::string& summary = "Wrong size reported within the window; low risk."
);

}  // namespace refundbot::tests
