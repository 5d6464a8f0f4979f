#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace refundbot::pipeline::core {

/// Writes compact JSON straight into a string, without building a document first; for hot
/// paths such as the decision report. The caller is responsible for well-formed nesting.
class json_writer {
public:
    explicit json_writer(std::size_t reserve = 4096) { out_.reserve(reserve); }

    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();
    /// The next member's key (inside an object).
    json_writer& key(std::string_view k);
    json_writer& value(std::string_view s);
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(double d);
    json_writer& value(bool b);
    json_writer& value(std::int64_t i);
    json_writer& null();

    [[nodiscard]] std::string take() { return std::move(out_); }

private:
    void separate();
    void escaped(std::string_view s);
    std::string out_;
    bool first_ = true;  ///< no comma needed before the next element
};

}  // namespace refundbot::pipeline::core
