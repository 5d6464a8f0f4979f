#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace refundbot::bot::server {

/// The id a request is known by in responses and logs: the caller's `X-Request-Id` when it is
/// a sane token (1-128 of `[A-Za-z0-9._:+=/-]`, so it cannot inject into a log line), else a
/// fresh random 128-bit hex id.
[[nodiscard]] std::string request_id_for(std::optional<std::string_view> incoming);

}  // namespace refundbot::bot::server
