#pragma once

#include "adapters/postgres/settings.hpp"

#include <chrono>
#include <string>

namespace refundbot::tests {

/// `$REFUNDBOT_TEST_DATABASE_URL` (set by tests/run.sh); empty when not set.
std::string test_database_url();

/// A fresh, empty database on the test cluster for one test, dropped afterwards.
class scratch_database {
public:
    scratch_database();
    ~scratch_database();
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;

    [[nodiscard]] const std::string& url() const { return url_; }
    [[nodiscard]] adapters::postgres::database_settings settings() const;
    /// Runs one SQL statement and returns the first column of the first row ("" if none).
    std::string query(const std::string& sql) const;
    /// Polls `sql` (every 50 ms) until it returns `expected` or `timeout` passes; returns the
    /// last value, so a failed assertion shows what was there instead.
    std::string wait_for(
        const std::string& sql,
        const std::string& expected,
        std::chrono::seconds timeout = std::chrono::seconds(20)
    ) const;

private:
    std::string name_;
    std::string url_;
};

/// Runs `deploy/pg-cluster.sh stop|start` on the test cluster (the readiness tests restart the
/// real server). Returns the script's exit code.
int control_test_cluster(const std::string& command);

}  // namespace refundbot::tests
