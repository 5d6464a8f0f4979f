#include "bot/server/http_message.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::server {

std::optional<std::string_view> http_request::header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_case_name) {
            return value;
        }
    }
    return std::nullopt;
}

http_response http_response::json(unsigned status, std::string body) {
    return {
        .status = status,
        .content_type = "application/json",
        .body = std::move(body),
        .headers = {}};
}

http_response http_response::text(unsigned status, std::string body) {
    return {
        .status = status,
        .content_type = "text/plain; charset=utf-8",
        .body = std::move(body),
        .headers = {}};
}

http_response http_response::error(
    unsigned status, std::string_view code, std::string_view message
) {
    boost::json::object obj;
    obj["error"] = code;
    obj["message"] = message;
    auto r = json(status, boost::json::serialize(obj));
    if (status == 503) {
        // Webhook senders and load balancers back off for this long before they retry.
        r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    }
    return r;
}

}  // namespace refundbot::bot::server
