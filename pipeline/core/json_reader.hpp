#pragma once

#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::core {

/// Every problem found in a JSON document, each naming its path:
/// `order.items[2].category: expected string, got number`.
using json_errors = std::vector<std::string>;

/// `path.key`, or `key` at the root.
[[nodiscard]] std::string json_path(std::string_view path, std::string_view key);
/// `path[index]`.
[[nodiscard]] std::string json_path(std::string_view path, std::size_t index);
/// "string", "number", "boolean", "null", "object" or "array".
[[nodiscard]] std::string_view json_kind(const boost::json::value& v);

/// Reads typed fields out of JSON objects and collects every problem instead of stopping at
/// the first, so one answer can list all of them. Parsers in the pipeline are written as a
/// sequence of reads against one reader; a read that fails returns nullopt (or a default) and
/// records the error.
class json_reader {
public:
    /// `v` as an object, or an error at `path`.
    const boost::json::object* object(const boost::json::value& v, std::string_view path);
    /// `obj[key]` as an object; required unless `optional`.
    const boost::json::object* object(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    const boost::json::array* array(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    std::optional<std::string> string(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    /// A non-empty string.
    std::optional<std::string> text(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    std::optional<bool> boolean(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    /// A whole number in [min, max].
    std::optional<std::int64_t> integer(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        std::int64_t min,
        std::int64_t max,
        bool optional = false
    );
    /// A number in [min, max] (scores, ratios; never money).
    std::optional<double> number(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        double min,
        double max,
        bool optional = false
    );
    /// A JSON number or decimal string, as minor units of a currency with `exponent` decimals.
    std::optional<std::int64_t> amount(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        int exponent,
        bool optional = false
    );
    /// An ISO 4217 code; returns it with its exponent.
    std::optional<std::pair<std::string, int>> currency(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    std::optional<timestamp> time(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    /// An array of strings.
    std::optional<std::vector<std::string>> strings(
        const boost::json::object& obj,
        std::string_view path,
        std::string_view key,
        bool optional = false
    );
    /// Records `path.key: unknown key` for every key of `obj` not in `known`.
    void reject_unknown(
        const boost::json::object& obj,
        std::string_view path,
        std::initializer_list<std::string_view> known
    );

    void fail(std::string path, std::string_view message);
    [[nodiscard]] bool ok() const { return errors_.empty(); }
    [[nodiscard]] const json_errors& errors() const { return errors_; }
    [[nodiscard]] json_errors take_errors() { return std::move(errors_); }

private:
    const boost::json::value* field(
        const boost::json::object& obj, std::string_view path, std::string_view key, bool optional
    );
    json_errors errors_;
};

/// A parse result: the value, or every error with its path.
template <class T>
struct parsed {
    std::optional<T> value;
    json_errors errors;
    [[nodiscard]] bool ok() const { return value.has_value(); }
};

/// Parses JSON text; a syntax error becomes one error at the document root
/// (`(document): invalid JSON at offset 17: syntax error`). A document with U+0000 in a string
/// or key is refused with one error per place (PostgreSQL cannot store it).
[[nodiscard]] std::optional<boost::json::value> parse_json_text(
    std::string_view text, json_errors& errors
);

}  // namespace refundbot::pipeline::core
