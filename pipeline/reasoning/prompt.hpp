#pragma once

#include "pipeline/reasoning/reasoner.hpp"

#include <string>

namespace refundbot::pipeline::reasoning {

/// The versioned prompt texts from templates/prompts/ (the version is recorded with every
/// decision a model took part in).
struct prompt_set {
    std::string version;
    std::string system;
    /// With {{policy_version}}, {{policy}}, {{rules}}, {{risk}}, {{context}}, {{request}} and
    /// {{customer_text}}.
    std::string user_template;
};

struct prompt {
    std::string system;
    std::string user;
};

/// The messages for a model: only what the decision needs. The customer is their id (no
/// email, name or address), evidence is its types (no URLs), payment references stay out.
/// The customer's own words go last, between CUSTOMER_TEXT markers they cannot close, and with
/// `mask_pii` their emails, phone and card numbers masked.
[[nodiscard]] prompt build_prompt(
    const reasoning_input& input, const prompt_set& texts, bool mask_pii
);

}  // namespace refundbot::pipeline::reasoning
