#pragma once

#include "pipeline/reasoning/reasoner.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::reasoning {

/// How the offline reasoner reads a reason text.
struct classification {
    std::string category =
        "OTHER";  ///< DAMAGED_ITEM, LATE_DELIVERY, NOT_AS_DESCRIBED, FRAUD_RISK, OTHER
    bool change_of_mind = false;    ///< OTHER because the customer no longer wants it
    bool ambiguous = false;         ///< several categories, or none, matched
    bool injection = false;         ///< the text tries to instruct the system
    std::vector<std::string> cues;  ///< the phrases that decided it
};

/// Deterministic keyword classification of folded customer text (several languages, common
/// misspellings). Exposed for the labelled accuracy test.
[[nodiscard]] classification classify(const model::claims& claims);

/// The default reasoner: no network, no model, same answer every time.
class offline_reasoner final : public reasoner {
public:
    [[nodiscard]] std::string_view name() const override { return "rules"; }
    [[nodiscard]] reasoner_output reason(const reasoning_input& input) override;
};

}  // namespace refundbot::pipeline::reasoning
