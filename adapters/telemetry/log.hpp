#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace spdlog {
class logger;
namespace sinks {
class sink;
}  // namespace sinks
}  // namespace spdlog

namespace refundbot::adapters::telemetry {

enum class log_level { trace, debug, info, warn, error, critical, off };
enum class log_format { automatic, text, json };

/// One key/value pair of structured context. Strings are redacted before they are written.
struct log_field {
    using value_type = std::variant<std::string_view, std::int64_t, double, bool>;

    log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
    log_field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    log_field(std::string_view k, bool v) : key(k), value(v) {}
    log_field(std::string_view k, double v) : key(k), value(v) {}
    template <std::integral T>
    requires(!std::same_as<T, bool>) log_field(std::string_view k, T v)
        : key(k), value(static_cast<std::int64_t>(v)) {}

    std::string_view key;
    value_type value;
};

/// Process-wide logging set-up: level, and JSON lines or readable text (`automatic` picks text
/// on a TTY, JSON otherwise). The sink defaults to stdout; tests pass their own.
void init_logging(
    log_level level, log_format format, std::shared_ptr<spdlog::sinks::sink> sink = nullptr
);

/// Parses "trace".."critical"/"off"; returns false for anything else.
bool parse_log_level(std::string_view text, log_level& out);

/// A named logger ("http", "pg", "app", ...). Every string, message and field value alike,
/// goes through pipeline::core::redact before it is written.
/// @par Thread safety
/// Safe to use from any thread.
class logger {
public:
    explicit logger(std::string_view name);

    [[nodiscard]] bool enabled(log_level level) const;
    void log(
        log_level level, std::string_view message, std::initializer_list<log_field> fields = {}
    ) const;

    void debug(std::string_view m, std::initializer_list<log_field> f = {}) const {
        log(log_level::debug, m, f);
    }
    void info(std::string_view m, std::initializer_list<log_field> f = {}) const {
        log(log_level::info, m, f);
    }
    void warn(std::string_view m, std::initializer_list<log_field> f = {}) const {
        log(log_level::warn, m, f);
    }
    void error(std::string_view m, std::initializer_list<log_field> f = {}) const {
        log(log_level::error, m, f);
    }

private:
    std::shared_ptr<spdlog::logger> impl_;
};

}  // namespace refundbot::adapters::telemetry
