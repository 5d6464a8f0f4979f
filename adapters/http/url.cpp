#include "adapters/http/url.hpp"

#include <cctype>
#include <charconv>

namespace refundbot::adapters::http {

std::string url::origin() const {
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

url_result parse_url(std::string_view text) {
    url u;
    std::string_view rest;
    if (text.starts_with("https://")) {
        rest = text.substr(8);
    } else if (text.starts_with("http://")) {
        u.tls = false;
        u.port = 80;
        rest = text.substr(7);
    } else {
        return {std::nullopt, "expected an http:// or https:// URL"};
    }
    const auto slash = rest.find_first_of("/?");
    const auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        u.target = std::string(rest.substr(slash));
        if (u.target.front() == '?') {
            u.target.insert(0, "/");
        }
    }
    if (authority.find('@') != std::string_view::npos) {
        return {std::nullopt, "credentials in the URL are not accepted; use the token settings"};
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return {std::nullopt, "unterminated IPv6 address"};
        }
        host = authority.substr(1, close - 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(":")) {
                return {std::nullopt, "unexpected text after the IPv6 address"};
            }
            port = after.substr(1);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) {
        return {std::nullopt, "missing host"};
    }
    if (!port.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
            return {std::nullopt, "port must be 1-65535"};
        }
        u.port = static_cast<std::uint16_t>(value);
    }
    u.host = std::string(host);
    if (!u.tls && !is_loopback_host(u.host)) {
        return {std::nullopt, "plain http:// is allowed only for loopback hosts; use https://"};
    }
    return {std::move(u), {}};
}

std::string join_url(std::string_view base, std::string_view path) {
    while (base.ends_with('/')) {
        base.remove_suffix(1);
    }
    while (path.starts_with('/')) {
        path.remove_prefix(1);
    }
    return std::string(base) + "/" + std::string(path);
}

std::string form_escape(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) {
            out += '&';
        }
        out += form_escape(k);
        out += '=';
        out += form_escape(v);
    }
    return out;
}

}  // namespace refundbot::adapters::http
