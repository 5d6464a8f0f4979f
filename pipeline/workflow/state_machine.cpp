#include "pipeline/workflow/state_machine.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace refundbot::pipeline::workflow {

namespace {

using enum request_state;

constexpr std::array<std::pair<request_state, std::string_view>, 12> names = {{
    {received, "RECEIVED"},
    {decided, "DECIDED"},
    {auto_approved, "AUTO_APPROVED"},
    {denied, "DENIED"},
    {pending_review, "PENDING_REVIEW"},
    {approved, "APPROVED"},
    {awaiting_evidence, "AWAITING_EVIDENCE"},
    {replacement_offered, "REPLACEMENT_OFFERED"},
    {expired, "EXPIRED"},
    {executing, "EXECUTING"},
    {refunded, "REFUNDED"},
    {execution_failed, "EXECUTION_FAILED"},
}};

constexpr std::array<std::pair<request_state, request_state>, 15> allowed = {{
    {received, decided},
    {decided, auto_approved},
    {decided, denied},
    {decided, pending_review},
    {pending_review, approved},
    {pending_review, denied},
    {pending_review, awaiting_evidence},
    {pending_review, replacement_offered},
    {awaiting_evidence, received},
    {awaiting_evidence, expired},
    {auto_approved, executing},
    {auto_approved, pending_review},
    {approved, executing},
    {executing, refunded},
    {executing, execution_failed},
}};

}  // namespace

std::string_view to_string(request_state s) {
    for (const auto& [state, name] : names) {
        if (state == s) {
            return name;
        }
    }
    return "UNKNOWN";
}

std::optional<request_state> parse_state(std::string_view name) {
    for (const auto& [state, n] : names) {
        if (n == name) {
            return state;
        }
    }
    return std::nullopt;
}

const std::vector<request_state>& all_states() {
    static const std::vector<request_state> states = [] {
        std::vector<request_state> v;
        for (const auto& [state, name] : names) {
            v.push_back(state);
        }
        return v;
    }();
    return states;
}

bool is_terminal(request_state s) {
    return std::none_of(allowed.begin(), allowed.end(), [&](const auto& t) {
        return t.first == s;
    });
}

std::optional<std::string> check_transition(request_state from, request_state to) {
    if (std::find(allowed.begin(), allowed.end(), std::pair{from, to}) != allowed.end()) {
        return std::nullopt;
    }
    return std::string(to_string(from)) + " -> " + std::string(to_string(to)) +
           " is not a transition of the refund workflow";
}

}  // namespace refundbot::pipeline::workflow
