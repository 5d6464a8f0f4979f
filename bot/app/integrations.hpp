#pragma once

#include "bot/app/config.hpp"

#include <string>
#include <vector>

namespace refundbot::bot::app {

/// One external service as the config leaves it: `live` (talks to the real service),
/// `sandboxed` (a local stand-in does its part) or `off`, with what to set to change that.
struct integration {
    std::string name;
    std::string status;  ///< live, sandboxed, off
    std::string detail;
};

/// Every integration in the order the README lists them (`refundbot check-config` prints this).
[[nodiscard]] std::vector<integration> integrations(const config& cfg);

}  // namespace refundbot::bot::app
