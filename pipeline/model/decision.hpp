#pragma once

#include "pipeline/core/json_reader.hpp"

#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::model {

enum class verdict { approve, deny, escalate };
enum class rule_status { pass, fail, unknown };

[[nodiscard]] std::string_view to_string(verdict v);      ///< "APPROVE", "DENY", "ESCALATE"
[[nodiscard]] std::string_view to_string(rule_status s);  ///< "PASS", "FAIL", "UNKNOWN"

struct rule_alignment {
    std::string rule;
    rule_status status = rule_status::unknown;
};

struct recommended_action {
    std::string type;  ///< REQUEST_PHOTO_EVIDENCE, OFFER_REPLACEMENT, ...
    bool required = false;
};

/// Exactly the seed's decision contract (templates/decision/decision.schema.json).
struct decision {
    verdict decision = verdict::escalate;
    double confidence = 0;
    std::string category = "OTHER";
    std::string reasoning_summary;
    std::vector<rule_alignment> policy_alignment;
    std::vector<recommended_action> recommended_actions;
    std::vector<std::string> risk_notes;
    bool human_review_required = true;
};

void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const decision& d);

/// Reads a decision that already passed schema validation (the guard validates first); still
/// reports any problem with its path rather than trusting the input.
[[nodiscard]] core::parsed<decision> parse_decision(const boost::json::value& v);

}  // namespace refundbot::pipeline::model
