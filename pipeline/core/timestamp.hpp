#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::pipeline::core {

/// A UTC instant with millisecond precision.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Parses RFC 3339 date-time (`2026-03-28T12:03:00Z`, `...T12:03:00.5+02:00`); nullopt when
/// malformed or out of range (month 13, Feb 30, hour 24, ...). Lower-case `t`/`z` are
/// accepted as RFC 3339 allows.
[[nodiscard]] std::optional<timestamp> parse_rfc3339(std::string_view text);

/// `2026-03-28T12:03:00Z`, with `.123` when there are milliseconds.
[[nodiscard]] std::string format_rfc3339(timestamp t);

/// Whole days from `from` to `to` (negative when `to` is earlier), rounded down.
[[nodiscard]] std::int64_t days_between(timestamp from, timestamp to);

}  // namespace refundbot::pipeline::core
