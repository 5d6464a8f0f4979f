#include "adapters/postgres/settings.hpp"

#include <cstdio>

namespace refundbot::adapters::postgres {
namespace {

bool is_uri(const std::string& url) {
    return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

// key='value' with libpq's quoting: backslash and single quote escaped.
std::string quote_keyword_value(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\\' || c == '\'') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

}  // namespace

std::string connection_string(const database_settings& s) {
    std::string out = s.url;
    const auto add = [&](std::string_view key, std::string_view value) {
        if (is_uri(out)) {
            out += out.find('?') == std::string::npos ? '?' : '&';
            out += key;
            out += '=';
            out += percent_encode(value);
        } else {
            out += ' ';
            out += key;
            out += '=';
            out += quote_keyword_value(value);
        }
    };
    if (!s.password.empty()) {
        add("password", s.password.reveal());
    }
    add("connect_timeout", std::to_string(s.connect_timeout.count()));
    add("application_name", s.application_name);
    return out;
}

}  // namespace refundbot::adapters::postgres
