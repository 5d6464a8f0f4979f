#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refundbot::bot::server {

/// An HTTP request as handlers see it: Beast stays inside the server's one translation unit.
struct http_request {
    std::string method;  ///< "GET", "POST", ...
    std::string target;  ///< path plus query, as received
    std::string path;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
    std::string body;
    std::string request_id;

    /// The first header named `lower_case_name`, if any.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

struct http_response {
    static constexpr int retry_after_s = 2;

    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    [[nodiscard]] static http_response json(unsigned status, std::string body);
    [[nodiscard]] static http_response text(unsigned status, std::string body);
    /// `{"error": code, "message": message}`: every error the service answers has this shape
    /// (later fields such as the failing JSON path are added beside them). A 503 also says
    /// when to retry (Retry-After).
    [[nodiscard]] static http_response error(
        unsigned status, std::string_view code, std::string_view message
    );
};

}  // namespace refundbot::bot::server
