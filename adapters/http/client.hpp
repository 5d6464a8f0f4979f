#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::adapters::http {

struct header_field {
    std::string name;
    std::string value;
};

struct request {
    std::string method = "GET";
    std::string url;  ///< absolute; see parse_url for what is accepted
    std::vector<header_field> headers;
    std::string body;
    /// Sending it twice is harmless (a read, or a write carrying an idempotency key). Only
    /// such requests are retried once they may have reached the server; any request is retried
    /// when the connection could not be made or the server answered 429.
    bool idempotent = false;
};

struct response {
    unsigned status = 0;
    std::vector<header_field> headers;  ///< names in lower case
    std::string body;
    int attempts = 1;

    [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

struct client_settings {
    std::chrono::milliseconds connect_timeout{5'000};   ///< resolve + connect + TLS handshake
    std::chrono::milliseconds request_timeout{15'000};  ///< write + read of one attempt
    int max_attempts = 4;
    std::chrono::milliseconds backoff{250};  ///< doubled per attempt, with jitter
    /// A `Retry-After` longer than this is not waited for here: the response is returned and
    /// the caller's job queue retries later.
    std::chrono::seconds max_retry_after{30};
    std::size_t max_idle_per_origin = 4;
    std::chrono::seconds max_idle{30};  ///< idle pooled connections older than this are closed
    std::size_t max_response_bytes = 8 * 1024 * 1024;
    std::string user_agent = "refundbot";
    /// Extra trust anchors (PEM) beside the system store; tests use it for a local TLS fake.
    std::string extra_ca_file;
};

/// No HTTP response could be had within the attempts allowed: the message says what failed
/// (resolve, connect, TLS handshake or certificate, write, read, timeout) and where.
class transport_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses `Retry-After` (delta seconds; HTTP dates are treated as absent).
[[nodiscard]] std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

/// HTTP/1.1 client over Beast: TLS 1.2+ with certificate and host-name verification against
/// the system trust store and SNI, timeouts on every step, keep-alive connections reused per
/// origin, bounded retries with exponential backoff and jitter, `Retry-After` honoured.
/// @par Thread safety
/// send() may be called from any number of threads at once; it blocks the caller (one I/O
/// thread of the client's own does the work).
class client {
public:
    explicit client(client_settings settings = {});
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// The final response, whatever its status (4xx/5xx included, after retries of the
    /// retryable ones). @throws transport_error when no response could be had;
    /// std::invalid_argument for a URL parse_url rejects.
    [[nodiscard]] response send(const request& r);

    /// Connections opened since construction (tests check reuse with it).
    [[nodiscard]] std::size_t connections_opened() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::adapters::http
