#include "pipeline/workflow/state_machine.hpp"

#include <gtest/gtest.h>

#include <set>

namespace refundbot::pipeline::workflow {
namespace {

using enum request_state;

TEST(state_machine, allows_exactly_the_workflow_transitions) {
    const std::set<std::pair<request_state, request_state>> expected = {
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
    };
    int checked = 0;
    for (auto from : all_states()) {
        for (auto to : all_states()) {
            const auto error = check_transition(from, to);
            EXPECT_EQ(!error.has_value(), expected.contains({from, to}))
                << to_string(from) << " -> " << to_string(to);
            ++checked;
        }
    }
    EXPECT_EQ(checked, 144);
}

TEST(state_machine, explains_an_illegal_transition) {
    EXPECT_EQ(
        check_transition(pending_review, refunded),
        "PENDING_REVIEW -> REFUNDED is not a transition of the refund workflow"
    );
    EXPECT_TRUE(check_transition(refunded, executing)) << "a refund is never executed again";
}

TEST(state_machine, names_round_trip_and_terminal_states_are_final) {
    for (auto s : all_states()) {
        EXPECT_EQ(parse_state(to_string(s)), s);
    }
    EXPECT_EQ(parse_state("refunded"), std::nullopt);
    const std::set<request_state> terminal = {
        denied, replacement_offered, expired, refunded, execution_failed};
    for (auto s : all_states()) {
        EXPECT_EQ(is_terminal(s), terminal.contains(s)) << to_string(s);
    }
}

}  // namespace
}  // namespace refundbot::pipeline::workflow
