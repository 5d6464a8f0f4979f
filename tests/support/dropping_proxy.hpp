#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace refundbot::tests {

/// A loopback HTTP proxy in front of a fake service that loses what it is told to lose: it can
/// reset a connection before a request reaches the service, or after the service has answered
/// (the service acted; the caller never hears of it). Everything else passes through.
class dropping_proxy {
public:
    explicit dropping_proxy(std::uint16_t upstream_port);
    ~dropping_proxy();
    dropping_proxy(const dropping_proxy&) = delete;
    dropping_proxy& operator=(const dropping_proxy&) = delete;

    /// After `after` more requests pass, the next `n` are never forwarded: the connection is
    /// reset. Calls queue up in order.
    void drop_requests(int n, int after = 0);
    /// After `after` more requests pass, the next `n` are forwarded, and the connection is reset
    /// instead of answering.
    void drop_answers(int n, int after = 0);
    /// Connections reset so far.
    [[nodiscard]] int resets() const;
    /// "http://127.0.0.1:<port>"
    [[nodiscard]] std::string base_url() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::tests
