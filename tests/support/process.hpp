#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace refundbot::tests {

/// The `refundbot` binary under test (set by CMake).
std::string refundbot_binary();

/// A child process with its stdout and stderr captured to files; killed on destruction.
class child_process {
public:
    child_process(
        const std::string& program,
        const std::vector<std::string>& args,
        const std::vector<std::pair<std::string, std::string>>& extra_env = {}
    );
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void signal(int sig) const;
    /// Exit status (0-255), or 128+signal; nullopt if still running after `timeout`.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    [[nodiscard]] std::string output() const;  ///< stdout and stderr so far
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    std::string out_path_;
};

/// Runs to completion (up to 60 s) and returns {exit code, stdout+stderr}.
std::pair<int, std::string> run_to_end(
    const std::string& program,
    const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& extra_env = {}
);

/// Seconds since the Unix epoch (webhook signature timestamps).
std::int64_t unix_now();

/// Writes `text` to a fresh file in a temporary directory and returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

}  // namespace refundbot::tests
