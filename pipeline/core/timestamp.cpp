#include "pipeline/core/timestamp.hpp"

#include <cstdio>

namespace refundbot::pipeline::core {
namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace

std::optional<timestamp> parse_rfc3339(std::string_view s) {
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, sec)) {
        return std::nullopt;
    }
    const year_month_day date{
        year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    // Second 60 is a leap second; RFC 3339 allows it, and it is folded onto :59.
    if (!date.ok() || h > 23 || mi > 59 || sec > 60) {
        return std::nullopt;
    }
    std::size_t at = 19;
    int millis = 0;
    if (at < s.size() && s[at] == '.') {
        ++at;
        const std::size_t start = at;
        int scale = 100;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
            millis += (s[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
        if (at == start) {
            return std::nullopt;
        }
    }
    int offset_minutes = 0;
    if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
        ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
        int oh = 0, om = 0;
        if (!digits(s, at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' ||
            !digits(s, at + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (s[at] == '-' ? -1 : 1);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != s.size()) {
        return std::nullopt;
    }
    const auto local = sys_days{date} + hours{h} + minutes{mi} + seconds{sec > 59 ? 59 : sec} +
                       milliseconds{millis};
    return timestamp{local - minutes{offset_minutes}};
}

std::string format_rfc3339(timestamp t) {
    using namespace std::chrono;
    const auto day_point = floor<days>(t);
    const year_month_day date{day_point};
    const hh_mm_ss tod{t - day_point};
    char buf[40];
    int n = std::snprintf(
        buf,
        sizeof buf,
        "%04d-%02u-%02uT%02ld:%02ld:%02ld",
        static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()),
        static_cast<long>(tod.hours().count()),
        static_cast<long>(tod.minutes().count()),
        static_cast<long>(tod.seconds().count())
    );
    if (const auto ms = tod.subseconds().count(); ms != 0) {
        n += std::snprintf(
            buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03ld", static_cast<long>(ms)
        );
    }
    buf[n++] = 'Z';
    return {buf, static_cast<std::size_t>(n)};
}

std::int64_t days_between(timestamp from, timestamp to) {
    return std::chrono::floor<std::chrono::days>(to - from).count();
}

}  // namespace refundbot::pipeline::core
