#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace refundbot::adapters::llm {

/// The decision schema in the subset structured-output modes accept (OpenAI strict mode,
/// Anthropic tool input): every property required, `additionalProperties: false` on every
/// object, a `type` beside every `enum`, no `$schema`/`$id`/`title`, and no length or range
/// keywords (not honoured everywhere). Our own validator still applies the full schema to
/// every answer.
[[nodiscard]] boost::json::object strict_schema(const boost::json::value& schema);

}  // namespace refundbot::adapters::llm
