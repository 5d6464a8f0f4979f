#include "adapters/llm/strict_schema.hpp"

#include <boost/json/array.hpp>

namespace refundbot::adapters::llm {

namespace json = boost::json;

namespace {

json::value strict(const json::value& v) {
    if (v.is_array()) {
        json::array out;
        for (const auto& item : v.get_array()) {
            out.push_back(strict(item));
        }
        return out;
    }
    if (!v.is_object()) {
        return v;
    }
    json::object out;
    for (const auto& [key, value] : v.get_object()) {
        if (key == "$schema" || key == "$id" || key == "title" || key == "minLength" ||
            key == "maxLength" || key == "minimum" || key == "maximum") {
            continue;
        }
        out[key] = strict(value);
    }
    if (const auto* values = out.if_contains("enum"); values && !out.contains("type")) {
        const bool all_strings = values->is_array() && !values->get_array().empty() &&
                                 values->get_array()[0].is_string();
        if (all_strings) {
            out["type"] = "string";
        }
    }
    if (const auto* properties = out.if_contains("properties");
        properties != nullptr && properties->is_object()) {
        json::array required;
        for (const auto& p : properties->get_object()) {
            required.push_back(json::value(p.key()));
        }
        out["required"] = std::move(required);
        out["additionalProperties"] = false;
    }
    return out;
}

}  // namespace

json::object strict_schema(const json::value& schema) {
    return strict(schema).as_object();
}

}  // namespace refundbot::adapters::llm
