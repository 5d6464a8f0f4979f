#pragma once

#include <boost/json/fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace refundbot::pipeline::reasoning {

/// A JSON Schema (draft 7) compiled once and applied to many documents (valijson).
/// @par Thread safety
/// validate() is safe to call concurrently.
class schema_validator {
public:
    /// @throws std::invalid_argument when `schema` is not a usable JSON Schema.
    explicit schema_validator(const boost::json::value& schema);
    ~schema_validator();
    schema_validator(schema_validator&&) noexcept;
    schema_validator& operator=(schema_validator&&) noexcept;

    /// Every violation, as `path: description` (`confidence: ...`); empty when valid.
    [[nodiscard]] std::vector<std::string> validate(const boost::json::value& document) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::pipeline::reasoning
