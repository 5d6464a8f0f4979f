#pragma once

#include "bot/server/router.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace refundbot::adapters::telemetry {
class metrics_registry;
}  // namespace refundbot::adapters::telemetry

namespace refundbot::bot::server {

struct server_settings {
    std::string host = "127.0.0.1";  ///< numeric IPv4/IPv6 address to bind
    std::uint16_t port = 8080;       ///< 0 picks a free port (tests)
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    /// From a request's first byte to its last; a slower client gets 408 and is closed.
    std::chrono::milliseconds read_timeout{10'000};
    /// How long a keep-alive connection may sit between requests.
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{10'000};
};

/// HTTP/1.1 server on Asio coroutines: one strand per connection, keep-alive, size limits,
/// timeouts, a request id per request, one access-log line and metrics per request.
/// @par Thread safety
/// Runs on any number of threads of its io_context; listen() and async_shutdown() may be
/// called from any thread.
class http_server {
public:
    http_server(
        boost::asio::io_context& ioc,
        server_settings settings,
        const router& routes,
        adapters::telemetry::metrics_registry& metrics
    );
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds, listens and starts accepting. Returns the bound port.
    /// @throws boost::system::system_error when the address cannot be bound.
    std::uint16_t listen();

    /// Graceful stop: no new connections, idle keep-alive connections closed, requests in
    /// flight finish and are answered with `Connection: close`; after `grace`, whatever is
    /// left is closed.
    boost::asio::awaitable<void> async_shutdown(std::chrono::milliseconds grace);

    [[nodiscard]] std::size_t active_connections() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace refundbot::bot::server
