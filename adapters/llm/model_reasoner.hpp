#pragma once

#include "pipeline/ports/language_model.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "pipeline/reasoning/prompt.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace refundbot::adapters::llm {

struct reasoner_settings {
    pipeline::reasoning::prompt_set prompts;
    bool mask_pii = true;  ///< llm.redact_pii
    /// Prices per million tokens in micro-USD (0.15 USD -> 150000), for the cost estimate.
    std::int64_t input_price = 0;
    std::int64_t output_price = 0;
    int breaker_failures = 5;  ///< consecutive failed decisions that open the circuit
    std::chrono::seconds breaker_cool_down{60};
    /// No repair attempt is started once this much time has gone into one decision (the
    /// decide job's lease must not run out while the model is asked).
    std::chrono::milliseconds repair_budget{20'000};
};

/// The model behind the pipeline's reasoner port, with the guardrails around every call:
/// the prompt with only what the decision needs (pipeline/reasoning/prompt), the answer
/// validated against the decision schema, one repair attempt fed the validator's errors, and
/// when there is still no valid answer (or the model failed, refused, was cut off, timed out)
/// the rules reasoner's view turned into ESCALATE with "AI unavailable: <reason>", so nothing
/// is stuck or approved because of the model. After `breaker_failures` failed decisions in a
/// row the model is skipped for `breaker_cool_down`, then tried again. Every call is recorded
/// (bodies with personal data masked) with its tokens and estimated cost.
/// @par Thread safety
/// reason() may be called from several workers at once.
class model_reasoner final : public pipeline::reasoning::reasoner {
public:
    model_reasoner(
        pipeline::ports::language_model& model,
        const pipeline::reasoning::schema_validator& contract,
        reasoner_settings settings
    );
    [[nodiscard]] std::string_view name() const override { return model_.provider(); }
    [[nodiscard]] pipeline::reasoning::reasoner_output reason(
        const pipeline::reasoning::reasoning_input& input
    ) override;

    /// The circuit is open: the model is being skipped.
    [[nodiscard]] bool circuit_open() const;

private:
    pipeline::reasoning::reasoner_output fall_back(
        const pipeline::reasoning::reasoning_input& input,
        std::string why,
        pipeline::reasoning::reasoner_output out
    );
    void record(bool succeeded);

    pipeline::ports::language_model& model_;
    const pipeline::reasoning::schema_validator& contract_;
    reasoner_settings settings_;
    pipeline::reasoning::offline_reasoner rules_;
    mutable std::mutex mutex_;
    int failures_in_a_row_ = 0;
    std::chrono::steady_clock::time_point open_until_{};
};

}  // namespace refundbot::adapters::llm
