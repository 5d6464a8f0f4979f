#pragma once

#include "bot/app/config.hpp"
#include "pipeline/policy/policy.hpp"

#include <optional>
#include <string>

namespace refundbot::bot::app {

/// Exit codes shared by every subcommand.
enum exit_code : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

/// Loads the config or prints every problem to stderr; nullopt means "exit 2".
[[nodiscard]] std::optional<config> load_or_report(const std::optional<std::string>& config_file);

/// Reads a policy file; problems go to stderr as `file: json.path: message`.
[[nodiscard]] std::optional<pipeline::policy::refund_policy> load_policy(const std::string& file);

/// `refundbot serve`: applies migrations (unless db.auto_migrate = false), then serves HTTP
/// until SIGINT/SIGTERM, then drains in-flight requests for up to http.shutdown_grace_s.
int run_serve(const std::optional<std::string>& config_file);

/// `refundbot migrate`: applies pending migrations and says which.
int run_migrate(const std::optional<std::string>& config_file);

/// `refundbot check-config`: validates the config and the environment without starting.
int run_check_config(const std::optional<std::string>& config_file);

/// `refundbot version`.
int run_version();

}  // namespace refundbot::bot::app
