#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace refundbot::pipeline::core {

/// A credential (API token, signing secret, password). It has no stream or fmt operator, so
/// passing one to a logger does not compile; code that needs the value calls reveal() at the
/// one place it is sent.
class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}

    [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

private:
    std::string value_;
};

}  // namespace refundbot::pipeline::core
