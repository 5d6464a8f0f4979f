#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace refundbot::tests {

struct http_reply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
    bool keep_alive = false;
};

struct http_call {
    std::string method = "GET";
    std::string target = "/";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// One request on a fresh connection to 127.0.0.1:port (blocking, 10 s timeout).
/// @throws std::system_error when the server cannot be reached.
http_reply http(std::uint16_t port, const http_call& call);
inline http_reply http_get(std::uint16_t port, const std::string& target) {
    return http(port, {.method = "GET", .target = target, .body = {}, .headers = {}});
}

/// A kept-alive connection for several requests in a row.
class http_connection {
public:
    explicit http_connection(std::uint16_t port);
    ~http_connection();
    http_reply send(const http_call& call);
    /// Sends raw bytes as they are (for partial and malformed requests); returns how many
    /// the socket took.
    std::size_t write_raw(const std::string& bytes);
    /// Reads one response; throws if the server closed without answering.
    http_reply read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// True when the server closed the connection within `timeout`.
    bool closed_by_peer(std::chrono::milliseconds timeout);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// A port nobody listens on right now (bind to 0, read, close).
std::uint16_t free_port();

/// The port of a loopback base URL ("http://127.0.0.1:4321" -> 4321).
std::uint16_t port_of(const std::string& base_url);

}  // namespace refundbot::tests
