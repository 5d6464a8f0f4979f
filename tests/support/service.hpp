#pragma once

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace refundbot::tests {

using env_list = std::vector<std::pair<std::string, std::string>>;

/// A `refundbot serve` process on a free port against `db_url`, up (healthz 200) when the
/// constructor returns; killed on destruction unless it already exited.
struct service {
    std::uint16_t port = free_port();
    std::unique_ptr<child_process> process;

    explicit service(const std::string& db_url, env_list extra = {});

    /// Starts the process again on the same port and settings (after the test killed it);
    /// returns when /healthz answers.
    void restart();

private:
    env_list env_;
};

/// POSTs `body` to the intake (`/webhooks/requests`), signed with `secret` now.
http_reply post_signed_request(
    std::uint16_t port, const std::string& secret, const std::string& body
);

/// Polls /readyz until it answers `status` or `timeout` passes; returns the last reply.
http_reply wait_for_readyz(std::uint16_t port, unsigned status, std::chrono::seconds timeout);

}  // namespace refundbot::tests
