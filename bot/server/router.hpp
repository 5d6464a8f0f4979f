#pragma once

#include "bot/server/http_message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace refundbot::bot::server {

/// A handler answers one request. The session awaits it directly, so the request reference
/// stays valid for the whole call.
using handler = std::function<boost::asio::awaitable<http_response>(const http_request&)>;

/// Method + exact path to handler.
class router {
public:
    /// Registers `h`; registering the same method and path twice is a programming error.
    router& add(std::string method, std::string path, handler h);

    struct match {
        enum class kind { found, not_found, method_not_allowed };
        kind outcome = kind::not_found;
        const handler* target = nullptr;
        /// The route's path for found and 405, "unmatched" otherwise: a bounded metrics label.
        std::string_view route = "unmatched";
        /// For 405: the methods the path does accept, for the `Allow` header.
        std::string allow;
    };

    [[nodiscard]] match find(std::string_view method, std::string_view path) const;

    /// Answers every request no route matches (route label "fallback"): loopback fakes of
    /// external APIs in tests serve any path through it. The service itself sets none.
    router& fallback(handler h);

private:
    handler fallback_;
    std::map<std::string, std::map<std::string, handler>, std::less<>> routes_;  // path -> method
};

}  // namespace refundbot::bot::server
