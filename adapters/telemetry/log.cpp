// Structured logging on spdlog 1.10, which has no MDC: a call's fields travel inside the
// payload, after a unit separator, as a JSON object; the formatter below turns the pair into
// either one JSON object per line or readable `message key=value` text.
#include "adapters/telemetry/log.hpp"

#include "pipeline/core/redact.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <unistd.h>

namespace refundbot::adapters::telemetry {
namespace {

constexpr char field_separator = '\x1f';

struct logging_state {
    std::mutex mutex;
    std::shared_ptr<spdlog::sinks::sink> sink;
    spdlog::level::level_enum level = spdlog::level::info;
    bool json = true;
};

logging_state& state() {
    static logging_state s;
    return s;
}

spdlog::level::level_enum to_spdlog(log_level level) {
    switch (level) {
        case log_level::trace:
            return spdlog::level::trace;
        case log_level::debug:
            return spdlog::level::debug;
        case log_level::info:
            return spdlog::level::info;
        case log_level::warn:
            return spdlog::level::warn;
        case log_level::error:
            return spdlog::level::err;
        case log_level::critical:
            return spdlog::level::critical;
        case log_level::off:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return "trace";
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "critical";
        default:
            return "off";
    }
}

std::string utc_timestamp(spdlog::log_clock::time_point tp) {
    const auto since_epoch = tp.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs);
    const std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> buf{};
    const auto n = std::snprintf(
        buf.data(),
        buf.size(),
        "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        static_cast<int>(millis.count())
    );
    return {buf.data(), static_cast<std::size_t>(n)};
}

// Boost.JSON writes doubles as `1.45627E-1`; log readers expect `0.146`.
void append_json(std::string& out, const boost::json::value& v) {
    if (v.is_double()) {
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, v.as_double());
        out.append(buf, res.ptr);
    } else if (v.is_object()) {
        out += '{';
        bool first = true;
        for (const auto& [key, item] : v.as_object()) {
            if (!first) {
                out += ',';
            }
            first = false;
            out += boost::json::serialize(boost::json::string_view(key));
            out += ':';
            append_json(out, item);
        }
        out += '}';
    } else {
        out += boost::json::serialize(v);
    }
}

class line_formatter final : public spdlog::formatter {
public:
    explicit line_formatter(bool json) : json_(json) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        const auto sep = payload.find(field_separator);
        // Messages from code that bypassed `logger::log` are redacted here too.
        const std::string message = pipeline::core::redact(payload.substr(0, sep));
        boost::json::object fields;
        if (sep != std::string_view::npos) {
            boost::json::error_code ec;
            auto parsed = boost::json::parse(payload.substr(sep + 1), ec);
            if (!ec && parsed.is_object()) {
                fields = std::move(parsed.as_object());
            }
        }
        const std::string_view logger_name(msg.logger_name.data(), msg.logger_name.size());
        std::string line;
        if (json_) {
            boost::json::object out;
            out["timestamp"] = utc_timestamp(msg.time);
            out["level"] = level_name(msg.level);
            out["logger"] = logger_name;
            out["message"] = message;
            if (auto* id = fields.if_contains("request_id")) {
                out["request_id"] = *id;
                fields.erase("request_id");
            }
            if (!fields.empty()) {
                out["fields"] = std::move(fields);
            }
            append_json(line, out);
        } else {
            line = utc_timestamp(msg.time);
            line += ' ';
            line += level_name(msg.level);
            line += " [";
            line += logger_name;
            line += "] ";
            line += message;
            for (const auto& [key, value] : fields) {
                line += ' ';
                line += key;
                line += '=';
                if (value.is_string()) {
                    line += value.as_string();
                } else {
                    append_json(line, value);
                }
            }
        }
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }

    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<line_formatter>(json_);
    }

private:
    bool json_;
};

std::shared_ptr<spdlog::logger> get_or_create(std::string_view name) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (auto existing = spdlog::get(std::string(name))) {
        return existing;
    }
    if (!s.sink) {
        s.sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
        s.sink->set_formatter(std::make_unique<line_formatter>(isatty(STDOUT_FILENO) == 0));
    }
    auto created = std::make_shared<spdlog::logger>(std::string(name), s.sink);
    created->set_level(s.level);
    created->flush_on(spdlog::level::info);
    spdlog::register_logger(created);
    return created;
}

}  // namespace

void init_logging(log_level level, log_format format, std::shared_ptr<spdlog::sinks::sink> sink) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    const bool json = format == log_format::json ||
                      (format == log_format::automatic && isatty(STDOUT_FILENO) == 0);
    s.sink = sink ? std::move(sink) : std::make_shared<spdlog::sinks::stdout_sink_mt>();
    s.sink->set_formatter(std::make_unique<line_formatter>(json));
    s.level = to_spdlog(level);
    // Loggers created before set-up move to the new sink and level.
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
        l->sinks().assign(1, s.sink);
        l->set_level(s.level);
    });
}

bool parse_log_level(std::string_view text, log_level& out) {
    static constexpr std::array<std::pair<std::string_view, log_level>, 7> names = {{
        {"trace", log_level::trace},
        {"debug", log_level::debug},
        {"info", log_level::info},
        {"warn", log_level::warn},
        {"error", log_level::error},
        {"critical", log_level::critical},
        {"off", log_level::off},
    }};
    for (const auto& [name, value] : names) {
        if (name == text) {
            out = value;
            return true;
        }
    }
    return false;
}

logger::logger(std::string_view name) : impl_(get_or_create(name)) {}

bool logger::enabled(log_level level) const {
    return impl_->should_log(to_spdlog(level));
}

void logger::log(log_level level, std::string_view message, std::initializer_list<log_field> fields)
    const {
    const auto lvl = to_spdlog(level);
    if (!impl_->should_log(lvl)) {
        return;
    }
    std::string payload = pipeline::core::redact(message);
    if (fields.size() != 0) {
        boost::json::object obj;
        for (const auto& f : fields) {
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::string_view>) {
                        obj[f.key] = pipeline::core::redact(v);
                    } else {
                        obj[f.key] = v;
                    }
                },
                f.value
            );
        }
        payload += field_separator;
        payload += boost::json::serialize(obj);
    }
    impl_->log(lvl, spdlog::string_view_t(payload.data(), payload.size()));
}

}  // namespace refundbot::adapters::telemetry
