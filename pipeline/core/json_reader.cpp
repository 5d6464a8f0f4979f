#include "pipeline/core/json_reader.hpp"

#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>

namespace refundbot::pipeline::core {

namespace json = boost::json;

std::string json_path(std::string_view path, std::string_view key) {
    if (path.empty()) {
        return std::string(key);
    }
    std::string out(path);
    out += '.';
    out += key;
    return out;
}

std::string json_path(std::string_view path, std::size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string_view json_kind(const json::value& v) {
    switch (v.kind()) {
        case json::kind::string:
            return "string";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return "number";
        case json::kind::bool_:
            return "boolean";
        case json::kind::null:
            return "null";
        case json::kind::object:
            return "object";
        case json::kind::array:
            return "array";
    }
    return "unknown";
}

void json_reader::fail(std::string path, std::string_view message) {
    errors_.push_back(
        (path.empty() ? std::string("(document)") : std::move(path)) + ": " + std::string(message)
    );
}

const json::object* json_reader::object(const json::value& v, std::string_view path) {
    if (const auto* o = v.if_object()) {
        return o;
    }
    fail(std::string(path), "expected object, got " + std::string(json_kind(v)));
    return nullptr;
}

const json::value* json_reader::field(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* v = obj.if_contains(key);
    if (v == nullptr || (optional && v->is_null())) {
        if (!optional) {
            fail(json_path(path, key), "required");
        }
        return nullptr;
    }
    return v;
}

const json::object* json_reader::object(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* v = field(obj, path, key, optional);
    return v ? object(*v, json_path(path, key)) : nullptr;
}

const json::array* json_reader::array(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return nullptr;
    }
    if (const auto* a = v->if_array()) {
        return a;
    }
    fail(json_path(path, key), "expected array, got " + std::string(json_kind(*v)));
    return nullptr;
}

std::optional<std::string> json_reader::string(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return std::nullopt;
    }
    if (const auto* s = v->if_string()) {
        return std::string(*s);
    }
    fail(json_path(path, key), "expected string, got " + std::string(json_kind(*v)));
    return std::nullopt;
}

std::optional<std::string> json_reader::text(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    auto s = string(obj, path, key, optional);
    if (s && s->empty()) {
        fail(json_path(path, key), "must not be empty");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> json_reader::boolean(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return std::nullopt;
    }
    if (const auto* b = v->if_bool()) {
        return *b;
    }
    fail(json_path(path, key), "expected boolean, got " + std::string(json_kind(*v)));
    return std::nullopt;
}

std::optional<std::int64_t> json_reader::integer(
    const json::object& obj,
    std::string_view path,
    std::string_view key,
    std::int64_t min,
    std::int64_t max,
    bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return std::nullopt;
    }
    std::optional<std::int64_t> out;
    if (const auto* i = v->if_int64()) {
        out = *i;
    } else if (const auto* u = v->if_uint64(); u && *u <= static_cast<std::uint64_t>(max)) {
        out = static_cast<std::int64_t>(*u);
    } else if (const auto* d = v->if_double(); d && std::trunc(*d) == *d && std::abs(*d) < 1e15) {
        out = static_cast<std::int64_t>(*d);
    }
    if (!out) {
        fail(json_path(path, key), "expected integer, got " + std::string(json_kind(*v)));
        return std::nullopt;
    }
    if (*out < min || *out > max) {
        fail(
            json_path(path, key),
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                std::to_string(*out)
        );
        return std::nullopt;
    }
    return out;
}

std::optional<double> json_reader::number(
    const json::object& obj,
    std::string_view path,
    std::string_view key,
    double min,
    double max,
    bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return std::nullopt;
    }
    if (!v->is_number()) {
        fail(json_path(path, key), "expected number, got " + std::string(json_kind(*v)));
        return std::nullopt;
    }
    const double d = v->to_number<double>();
    if (!(d >= min && d <= max)) {
        fail(
            json_path(path, key),
            "must be between " + shortest_decimal(min) + " and " + shortest_decimal(max) +
                ", got " + shortest_decimal(d)
        );
        return std::nullopt;
    }
    return d;
}

std::optional<std::int64_t> json_reader::amount(
    const json::object& obj,
    std::string_view path,
    std::string_view key,
    int exponent,
    bool optional
) {
    const auto* v = field(obj, path, key, optional);
    if (!v) {
        return std::nullopt;
    }
    std::string decimal;
    if (const auto* s = v->if_string()) {
        decimal = std::string(*s);
    } else if (const auto* i = v->if_int64()) {
        decimal = std::to_string(*i);
    } else if (const auto* u = v->if_uint64()) {
        decimal = std::to_string(*u);
    } else if (const auto* d = v->if_double()) {
        // The shortest text that reads back as this double is the literal that was written
        // (for amounts with up to 15 significant digits), so no rounding happens here.
        decimal = shortest_decimal(*d);
    } else {
        fail(
            json_path(path, key),
            "expected amount (number or decimal string), got " + std::string(json_kind(*v))
        );
        return std::nullopt;
    }
    std::string error;
    auto minor = parse_minor_units(decimal, exponent, error);
    if (!minor) {
        fail(json_path(path, key), "amount " + decimal + " " + error);
        return std::nullopt;
    }
    if (*minor < 0) {
        fail(json_path(path, key), "must not be negative, got " + decimal);
        return std::nullopt;
    }
    return minor;
}

std::optional<std::pair<std::string, int>> json_reader::currency(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    auto code = string(obj, path, key, optional);
    if (!code) {
        return std::nullopt;
    }
    const auto exponent = currency_exponent(*code);
    if (!exponent) {
        fail(json_path(path, key), "\"" + *code + "\" is not an ISO 4217 currency code");
        return std::nullopt;
    }
    return std::pair{*code, *exponent};
}

std::optional<timestamp> json_reader::time(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    auto s = string(obj, path, key, optional);
    if (!s) {
        return std::nullopt;
    }
    auto t = parse_rfc3339(*s);
    if (!t) {
        fail(
            json_path(path, key),
            "expected an RFC 3339 timestamp (2026-03-28T12:03:00Z), got \"" + *s + "\""
        );
    }
    return t;
}

std::optional<std::vector<std::string>> json_reader::strings(
    const json::object& obj, std::string_view path, std::string_view key, bool optional
) {
    const auto* a = array(obj, path, key, optional);
    if (!a) {
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool good = true;
    for (std::size_t i = 0; i < a->size(); ++i) {
        if (const auto* s = (*a)[i].if_string()) {
            out.emplace_back(*s);
        } else {
            fail(
                json_path(json_path(path, key), i),
                "expected string, got " + std::string(json_kind((*a)[i]))
            );
            good = false;
        }
    }
    return good ? std::optional(std::move(out)) : std::nullopt;
}

void json_reader::reject_unknown(
    const json::object& obj, std::string_view path, std::initializer_list<std::string_view> known
) {
    for (const auto& [key, value] : obj) {
        if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
            fail(json_path(path, key), "unknown key");
        }
    }
}

namespace {

// PostgreSQL stores neither text nor jsonb with U+0000 in it: such a document could never be
// stored, and a "retry later" answer would have its sender retry forever.
void reject_nul(const json::value& v, const std::string& path, json_errors& errors) {
    constexpr std::size_t max_reported = 5;
    const auto report = [&](const std::string& at) {
        if (errors.size() < max_reported) {
            errors.push_back(
                (at.empty() ? std::string("(document)") : at) +
                ": contains a NUL character (\\u0000), which cannot be stored"
            );
        }
    };
    if (const auto* s = v.if_string()) {
        if (s->find('\0') != json::string::npos) {
            report(path);
        }
    } else if (const auto* a = v.if_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) {
            reject_nul((*a)[i], json_path(path, i), errors);
        }
    } else if (const auto* o = v.if_object()) {
        for (const auto& [key, value] : *o) {
            const auto at = json_path(path, key);
            if (key.find('\0') != std::string_view::npos) {
                report(at);
            }
            reject_nul(value, at, errors);
        }
    }
}

}  // namespace

std::optional<json::value> parse_json_text(std::string_view text, json_errors& errors) {
    json::error_code ec;
    json::parser p;
    const auto consumed = p.write(text.data(), text.size(), ec);
    if (ec) {
        errors.push_back(
            "(document): invalid JSON at offset " + std::to_string(consumed) + ": " + ec.message()
        );
        return std::nullopt;
    }
    auto doc = p.release();
    const auto before = errors.size();
    reject_nul(doc, "", errors);
    if (errors.size() != before) {
        return std::nullopt;
    }
    return doc;
}

}  // namespace refundbot::pipeline::core
