#pragma once

#include <string_view>

namespace refundbot::bot::app {

/// The release version (CMake project version) and the git commit it was built from.
[[nodiscard]] std::string_view version();
[[nodiscard]] std::string_view commit();

}  // namespace refundbot::bot::app
