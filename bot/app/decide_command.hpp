#pragma once

#include <optional>
#include <string>

namespace refundbot::bot::app {

struct decide_options {
    std::string request_file;
    std::optional<std::string> context_file;
    std::string policy_file = "deploy/policy.example.json";
    bool json = false;
};

/// `refundbot decide`: runs the pure pipeline on files and prints the rules table, the risk
/// breakdown, the guarded decision and the route. Bad files: every problem as
/// `file: json.path: message`, exit 2.
int run_decide(const decide_options& options);

}  // namespace refundbot::bot::app
