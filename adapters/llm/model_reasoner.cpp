#include "adapters/llm/model_reasoner.hpp"

#include "pipeline/core/redact.hpp"

namespace refundbot::adapters::llm {

namespace json = boost::json;
using pipeline::reasoning::model_call;
using pipeline::reasoning::reasoner_output;
using clock = std::chrono::steady_clock;

namespace {

std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) {
        out += (out.empty() ? "" : "\n") + l;
    }
    return out;
}

std::string clip(std::string s, std::size_t n) {
    if (s.size() > n) {
        s.resize(n);
    }
    return s;
}

}  // namespace

model_reasoner::model_reasoner(
    pipeline::ports::language_model& model,
    const pipeline::reasoning::schema_validator& contract,
    reasoner_settings settings
)
    : model_(model), contract_(contract), settings_(std::move(settings)) {}

bool model_reasoner::circuit_open() const {
    std::lock_guard lock(mutex_);
    return clock::now() < open_until_;
}

void model_reasoner::record(bool succeeded) {
    std::lock_guard lock(mutex_);
    if (succeeded) {
        failures_in_a_row_ = 0;
        return;
    }
    // A failed trial after the cool-down opens the circuit again at once.
    if (++failures_in_a_row_ >= settings_.breaker_failures) {
        open_until_ = clock::now() + settings_.breaker_cool_down;
    }
}

reasoner_output model_reasoner::fall_back(
    const pipeline::reasoning::reasoning_input& input, std::string why, reasoner_output out
) {
    // The rules reasoner's view, turned into a question for a human.
    auto rules = rules_.reason(input);
    out.unavailable = "AI unavailable: " + why;
    if (!rules.json || !rules.json->is_object()) {
        out.error = out.unavailable;
        return out;
    }
    auto& d = rules.json->as_object();
    const auto text = [&d](std::string_view key) {
        const auto* v = d.if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    const std::string view = text("decision");
    const std::string summary = text("reasoning_summary");
    d["decision"] = "ESCALATE";
    d["human_review_required"] = true;
    d["reasoning_summary"] =
        clip(out.unavailable + ". Rules reasoner: " + view + ", " + summary, 600);
    d["risk_notes"].as_array().push_back(json::value(clip(out.unavailable, 300)));
    out.json = std::move(rules.json);
    return out;
}

reasoner_output model_reasoner::reason(const pipeline::reasoning::reasoning_input& input) {
    reasoner_output out;
    out.prompt_version = settings_.prompts.version;
    {
        std::lock_guard lock(mutex_);
        if (clock::now() < open_until_) {
            auto why = "the model is skipped after " + std::to_string(failures_in_a_row_) +
                       " failed decisions in a row (circuit open)";
            return fall_back(input, std::move(why), std::move(out));
        }
    }
    const auto prompt =
        pipeline::reasoning::build_prompt(input, settings_.prompts, settings_.mask_pii);
    const auto started = clock::now();
    pipeline::ports::model_repair repair;
    for (int attempt = 1; attempt <= 2; ++attempt) {
        const auto call_started = clock::now();
        const auto reply = model_.ask(prompt, attempt == 1 ? nullptr : &repair);
        model_call c;
        c.provider = std::string(model_.provider());
        c.model = model_.model();
        c.prompt_version = settings_.prompts.version;
        c.attempt = attempt;
        c.latency_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - call_started)
                .count();
        c.input_tokens = reply.input_tokens;
        c.output_tokens = reply.output_tokens;
        c.cost_microusd = (reply.input_tokens * settings_.input_price +
                           reply.output_tokens * settings_.output_price + 500'000) /
                          1'000'000;
        // Stored for replays: masked even when the prompt itself was not.
        c.request_body = pipeline::core::mask_personal_data(reply.request_body);
        c.response_body = pipeline::core::mask_personal_data(reply.response_body);
        std::vector<std::string> problems;
        if (!reply.failure.empty()) {
            c.outcome = "failed";
            c.failure = pipeline::core::redact(reply.failure);
        } else if (!reply.answer) {
            problems.push_back("the answer is not a JSON object");
        } else {
            problems = contract_.validate(*reply.answer);
        }
        if (c.outcome.empty()) {
            c.outcome = problems.empty() ? "ok" : "invalid";
            c.failure = problems.empty() ? "" : clip(join(problems), 500);
        }
        const auto failure = c.failure;
        const auto outcome = c.outcome;
        out.calls.push_back(std::move(c));
        if (outcome == "ok") {
            record(true);
            out.json = reply.answer;
            return out;
        }
        if (outcome == "failed") {
            record(false);
            return fall_back(input, failure, std::move(out));
        }
        if (attempt == 2 || clock::now() - started > settings_.repair_budget) {
            break;
        }
        repair = {reply.raw_answer, reply.call_id, join(problems)};
    }
    record(false);
    // Built before `out` is moved into the call: argument order is unspecified.
    auto why =
        "no valid answer after a repair attempt (" + clip(out.calls.back().failure, 200) + ")";
    return fall_back(input, std::move(why), std::move(out));
}

}  // namespace refundbot::adapters::llm
