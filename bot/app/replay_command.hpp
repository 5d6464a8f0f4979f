#pragma once

#include <optional>
#include <string>

namespace refundbot::bot::app {

struct replay_options {
    std::optional<std::string> config_file;
    std::string policy_file;
    std::string reasoner = "rules";  ///< rules, openai, anthropic
    std::optional<std::string> prompt_version;
    std::optional<std::string> since;  ///< YYYY-MM-DD or RFC 3339, inclusive
    std::optional<std::string> until;  ///< exclusive
    std::optional<std::string> source;
    std::string format = "table";    ///< table, json, csv
    std::optional<std::string> out;  ///< HTML report file
};

/// `refundbot replay`: re-runs the pure pipeline with `policy_file` on every recorded request
/// (with the enrichment stored with its decision) and reports what would change against what
/// happened. Read-only: one READ ONLY transaction. Bad options or files: exit 2 with a message
/// naming the option or `file: json.path`.
int run_replay(const replay_options& options);

}  // namespace refundbot::bot::app
