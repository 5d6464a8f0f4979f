#pragma once

#include "bot/server/http_message.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace refundbot::tests {

/// A loopback HTTP server standing in for a SaaS API: each request is answered by `respond`
/// (called under a lock, one request at a time) and kept for the test to inspect. Built on the
/// service's own HTTP server, so it speaks real HTTP/1.1 with keep-alive.
class fake_http_server {
public:
    using responder = std::function<bot::server::http_response(const bot::server::http_request&)>;

    explicit fake_http_server(responder respond);
    ~fake_http_server();
    fake_http_server(const fake_http_server&) = delete;
    fake_http_server& operator=(const fake_http_server&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    /// "http://127.0.0.1:<port>"
    [[nodiscard]] std::string base_url() const;
    /// Every request received so far, in order.
    [[nodiscard]] std::vector<bot::server::http_request> received() const;
    /// Connections currently open to the server.
    [[nodiscard]] std::size_t open_connections() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::tests
