#include "pipeline/reasoning/schema_validator.hpp"

#include <stdexcept>
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace refundbot::pipeline::reasoning {

struct schema_validator::impl {
    valijson::Schema schema;
};

schema_validator::schema_validator(const boost::json::value& schema)
    : impl_(std::make_unique<impl>()) {
    try {
        valijson::SchemaParser parser;
        const valijson::adapters::BoostJsonAdapter adapter(schema);
        parser.populateSchema(adapter, impl_->schema);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("invalid JSON Schema: ") + e.what());
    }
}

schema_validator::~schema_validator() = default;
schema_validator::schema_validator(schema_validator&&) noexcept = default;
schema_validator& schema_validator::operator=(schema_validator&&) noexcept = default;

std::vector<std::string> schema_validator::validate(const boost::json::value& document) const {
    valijson::Validator validator;
    const valijson::adapters::BoostJsonAdapter adapter(document);
    std::vector<std::string> out;
    // Without a results object valijson skips building a path for every node it visits; the
    // common case (valid output) needs no paths, so collect them only for invalid documents.
    if (validator.validate(impl_->schema, adapter, nullptr)) {
        return out;
    }
    valijson::ValidationResults results;
    validator.validate(impl_->schema, adapter, &results);
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        // valijson's context reads ["<root>", "[policy_alignment]", "[0]", "[status]"].
        std::string path;
        for (const auto& part : error.context) {
            if (part == "<root>") {
                continue;
            }
            std::string name = part;
            if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
                name = name.substr(1, name.size() - 2);
            }
            const bool index =
                !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
            if (index) {
                path += "[" + name + "]";
            } else {
                path += (path.empty() ? "" : ".") + name;
            }
        }
        out.push_back((path.empty() ? std::string("(document)") : path) + ": " + error.description);
    }
    return out;
}

}  // namespace refundbot::pipeline::reasoning
