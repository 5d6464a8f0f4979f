#pragma once

#include <optional>
#include <string>

namespace refundbot::bot::app {

/// Exit codes shared by every subcommand.
enum exit_code : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

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
