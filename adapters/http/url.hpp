#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refundbot::adapters::http {

/// An absolute http(s) URL split for a connection: `https://slack.com/api/chat.update`.
struct url {
    bool tls = true;
    std::string host;  ///< without brackets for IPv6 literals
    std::uint16_t port = 443;
    std::string target = "/";  ///< path plus query, never empty

    /// "https://host:port", the key connections are pooled under.
    [[nodiscard]] std::string origin() const;
};

struct url_result {
    std::optional<url> value;
    std::string error;  ///< why the text is not a usable URL
};

/// Parses `text`. Plain `http://` is accepted only for loopback hosts (127.0.0.0/8, ::1,
/// localhost): tests and the sandbox talk to local fakes; real services only over TLS.
[[nodiscard]] url_result parse_url(std::string_view text);

/// True for names and literals that can only reach this machine.
[[nodiscard]] bool is_loopback_host(std::string_view host);

/// `base` with `path` appended, exactly one slash between them.
[[nodiscard]] std::string join_url(std::string_view base, std::string_view path);

/// Percent-encodes everything but RFC 3986 unreserved characters (so `[` `]` too).
[[nodiscard]] std::string form_escape(std::string_view s);

/// `application/x-www-form-urlencoded` (also a query string): `a=1&metadata%5Bk%5D=v`.
[[nodiscard]] std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields
);

}  // namespace refundbot::adapters::http
