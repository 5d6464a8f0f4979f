#pragma once

#include <string_view>

namespace refundbot::templates {

/// The committed text of `templates/<name>` (e.g. "decision/decision.schema.json"), compiled
/// into the binary. @throws std::out_of_range for an unknown name.
[[nodiscard]] std::string_view get(std::string_view name);

}  // namespace refundbot::templates
