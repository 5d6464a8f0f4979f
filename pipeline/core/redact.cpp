#include "pipeline/core/redact.hpp"

#include <array>
#include <cctype>
#include <cstddef>

namespace refundbot::pipeline::core {
namespace {

constexpr std::string_view mask = "***";

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_token_char(char c) {
    return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
           c == '=';
}

bool is_email_local_char(char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_char(char c) {
    return is_alnum(c) || c == '.' || c == '-';
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_icase(std::string_view text, std::size_t at, std::string_view prefix) {
    if (text.size() - at < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[at + i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool at_word_start(std::string_view text, std::size_t at) {
    return at == 0 || !is_alnum(text[at - 1]);
}

std::size_t span_while(std::string_view text, std::size_t at, bool (*pred)(char)) {
    std::size_t end = at;
    while (end < text.size() && pred(text[end])) {
        ++end;
    }
    return end;
}

// Token shapes of the services refundbot talks to; the prefix stays so a log reader can still
// tell which credential was involved.
constexpr std::array<std::string_view, 12> token_prefixes = {
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxr-",
    "xoxs-",
    "xapp-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "sk-",
};

constexpr std::array<std::string_view, 7> secret_keys = {
    "password=",
    "passwd=",
    "token=",
    "secret=",
    "api_key=",
    "apikey=",
    "access_token=",
};

constexpr std::array<std::string_view, 2> auth_schemes = {"bearer ", "basic "};

constexpr std::size_t min_token_tail = 6;
constexpr std::size_t min_signature_hex = 16;

}  // namespace

std::string redact(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    // Start of the run of e-mail local-part characters that ends at i, so that an address can
    // be removed from `out` once its '@' is seen.
    std::size_t local_start_out = 0;
    std::size_t local_len = 0;

    while (i < text.size()) {
        const char c = text[i];

        if (c == '@' && local_len > 0) {
            const std::size_t domain_end = span_while(text, i + 1, is_domain_char);
            const std::string_view domain = text.substr(i + 1, domain_end - i - 1);
            const auto dot = domain.find('.');
            if (dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size()) {
                out.resize(local_start_out);
                out += "[email]";
                i = domain_end;
                local_len = 0;
                continue;
            }
        }

        if (at_word_start(text, i)) {
            bool matched = false;
            for (auto prefix : token_prefixes) {
                if (text.substr(i, prefix.size()) == prefix) {
                    const std::size_t end = span_while(text, i + prefix.size(), is_token_char);
                    if (end - (i + prefix.size()) >= min_token_tail) {
                        out.append(prefix);
                        out.append(mask);
                        i = end;
                        matched = true;
                    }
                    break;
                }
            }
            for (auto key : secret_keys) {
                if (!matched && starts_with_icase(text, i, key)) {
                    out.append(text.substr(i, key.size()));
                    out.append(mask);
                    std::size_t end = i + key.size();
                    const bool quoted =
                        end < text.size() && (text[end] == '\'' || text[end] == '"');
                    const char quote = quoted ? text[end] : '\0';
                    if (quoted) {
                        ++end;
                    }
                    while (end < text.size() &&
                           (quoted ? text[end] != quote
                                   : (text[end] != ' ' && text[end] != '&' && text[end] != ',' &&
                                      text[end] != ';' && text[end] != '"' && text[end] != '\''))) {
                        ++end;
                    }
                    i = quoted && end < text.size() ? end + 1 : end;
                    matched = true;
                }
            }
            for (auto scheme : auth_schemes) {
                if (!matched && starts_with_icase(text, i, scheme)) {
                    const std::size_t tok = i + scheme.size();
                    const std::size_t end = span_while(text, tok, is_token_char);
                    if (end - tok >= min_token_tail) {
                        out.append(text.substr(i, scheme.size()));
                        out.append(mask);
                        i = end;
                        matched = true;
                    }
                }
            }
            if (!matched && (text.substr(i, 3) == "v0=" || text.substr(i, 3) == "v1=")) {
                const std::size_t end = span_while(text, i + 3, is_hex);
                if (end - (i + 3) >= min_signature_hex) {
                    out.append(text.substr(i, 3));
                    out.append(mask);
                    i = end;
                    matched = true;
                }
            }
            if (matched) {
                local_len = 0;
                continue;
            }
        }

        // URI credentials: scheme://user:password@host
        if (c == ':' && text.substr(i, 3) == "://") {
            const std::size_t user_start = i + 3;
            const std::size_t at = text.find('@', user_start);
            const std::size_t stop = text.find_first_of("/ \t\n?#", user_start);
            if (at != std::string_view::npos && (stop == std::string_view::npos || at < stop)) {
                const std::size_t colon = text.find(':', user_start);
                if (colon != std::string_view::npos && colon < at) {
                    out.append(text.substr(i, colon + 1 - i));
                    out.append(mask);
                    i = at;  // the '@' is copied below with the host
                    out += '@';
                    ++i;
                    local_len = 0;
                    continue;
                }
            }
        }

        if (is_email_local_char(c)) {
            if (local_len == 0) {
                local_start_out = out.size();
            }
            ++local_len;
        } else {
            local_len = 0;
        }
        out += c;
        ++i;
    }
    return out;
}

}  // namespace refundbot::pipeline::core

namespace refundbot::pipeline::core {

std::string mask_personal_data(std::string_view text) {
    const std::string in = redact(text);
    std::string out;
    out.reserve(in.size());
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto joiner = [](char c) {
        return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
    };
    std::size_t i = 0;
    while (i < in.size()) {
        const bool starts =
            (digit(in[i]) || (in[i] == '+' && i + 1 < in.size() && digit(in[i + 1]))) &&
            (i == 0 ||
             !(std::isalnum(static_cast<unsigned char>(in[i - 1])) != 0 || in[i - 1] == '_'));
        if (!starts) {
            out += in[i++];
            continue;
        }
        const auto is_date = [&](std::size_t at) {  // 2026-11-20, 2026/11/20
            const auto sep = [&](std::size_t k) {
                return in[k] == '-' || in[k] == '/' || in[k] == '.';
            };
            return at + 10 <= in.size() && digit(in[at]) && digit(in[at + 1]) &&
                   digit(in[at + 2]) && digit(in[at + 3]) && sep(at + 4) && digit(in[at + 5]) &&
                   digit(in[at + 6]) && sep(at + 7) && digit(in[at + 8]) && digit(in[at + 9]);
        };
        if (is_date(i)) {
            out.append(in, i, 10);
            i += 10;
            continue;
        }
        // A run of digits with the separators people type in phone and card numbers.
        std::size_t end = i + (in[i] == '+' ? 1 : 0);
        std::size_t digits = 0;
        std::size_t last_digit = end;
        while (end < in.size() && (digit(in[end]) || joiner(in[end]))) {
            if (digit(in[end])) {
                ++digits;
                last_digit = end + 1;
            } else if (joiner(in[end]) && end + 1 < in.size() && joiner(in[end + 1]) && in[end] != ')' && in[end + 1] != '(') {
                break;  // two separators in a row end the number ("5 - 6")
            }
            ++end;
        }
        const bool glued = last_digit < in.size() &&
                           (std::isalpha(static_cast<unsigned char>(in[last_digit])) != 0 ||
                            in[last_digit] == '_');
        // Dates and times have at most 8 digits, amounts are short, ids are glued to letters.
        if (digits >= 13 && digits <= 19 && !glued) {
            out += "[card]";
            i = last_digit;
        } else if (digits >= 9 && digits <= 15 && !glued) {
            out += "[phone]";
            i = last_digit;
        } else {
            out.append(in, i, last_digit - i);
            i = last_digit;
        }
    }
    return out;
}

}  // namespace refundbot::pipeline::core
