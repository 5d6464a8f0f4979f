#include "pipeline/core/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace refundbot::pipeline::core {

void json_writer::separate() {
    if (!first_) {
        out_ += ',';
    }
    first_ = false;
}

void json_writer::escaped(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out_ += '"';
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out_ += '\\';
            out_ += c;
        } else if (u < 0x20) {
            switch (c) {
                case '\n':
                    out_ += "\\n";
                    break;
                case '\r':
                    out_ += "\\r";
                    break;
                case '\t':
                    out_ += "\\t";
                    break;
                default:
                    out_ += "\\u00";
                    out_ += hex[u >> 4];
                    out_ += hex[u & 0xF];
            }
        } else {
            out_ += c;
        }
    }
    out_ += '"';
}

json_writer& json_writer::begin_object() {
    separate();
    out_ += '{';
    first_ = true;
    return *this;
}

json_writer& json_writer::end_object() {
    out_ += '}';
    first_ = false;
    return *this;
}

json_writer& json_writer::begin_array() {
    separate();
    out_ += '[';
    first_ = true;
    return *this;
}

json_writer& json_writer::end_array() {
    out_ += ']';
    first_ = false;
    return *this;
}

json_writer& json_writer::key(std::string_view k) {
    separate();
    escaped(k);
    out_ += ':';
    first_ = true;  // the value follows without a comma
    return *this;
}

json_writer& json_writer::value(std::string_view s) {
    separate();
    escaped(s);
    return *this;
}

json_writer& json_writer::value(double d) {
    separate();
    if (!std::isfinite(d)) {
        out_ += "null";
        return *this;
    }
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, d);
    out_.append(buf, res.ptr);
    return *this;
}

json_writer& json_writer::value(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return *this;
}

json_writer& json_writer::value(std::int64_t i) {
    separate();
    out_ += std::to_string(i);
    return *this;
}

json_writer& json_writer::null() {
    separate();
    out_ += "null";
    return *this;
}

}  // namespace refundbot::pipeline::core
