#include "tests/support/fake_orders.hpp"

#include <thread>

namespace refundbot::tests {

using bot::server::http_request;
using bot::server::http_response;

fake_orders::fake_orders(std::string token)
    : token_(std::move(token)), server_([this](const http_request& req) { return handle(req); }) {}

void fake_orders::add(const std::string& order_id, std::string answer) {
    std::lock_guard lock(mutex_);
    orders_[order_id] = std::move(answer);
}

void fake_orders::delay(std::chrono::milliseconds d) {
    std::lock_guard lock(mutex_);
    delay_ = d;
}

std::vector<std::string> fake_orders::rejections() const {
    std::lock_guard lock(mutex_);
    return rejections_;
}

std::size_t fake_orders::lookups() const {
    std::lock_guard lock(mutex_);
    return lookups_;
}

http_response fake_orders::handle(const http_request& req) {
    std::chrono::milliseconds wait{0};
    http_response answer = http_response::error(404, "not_found", "no such order");
    {
        std::lock_guard lock(mutex_);
        ++lookups_;
        wait = delay_;
        const auto reject = [&](const std::string& why) {
            rejections_.push_back(why);
            return http_response::error(400, "bad_request", why);
        };
        if (req.method != "GET" || !req.target.starts_with("/orders?")) {
            return reject("expected GET /orders?..., got " + req.method + " " + req.target);
        }
        if (req.header("authorization") != std::optional<std::string_view>("Bearer " + token_)) {
            return reject("missing or wrong bearer token");
        }
        const auto query = req.target.substr(req.target.find('?') + 1);
        const auto at = query.find("order_id=");
        if (at == std::string::npos || (at != 0 && query[at - 1] != '&')) {
            return reject("order_id missing from the query: " + query);
        }
        auto id = query.substr(at + 9);
        id = id.substr(0, id.find('&'));
        if (const auto it = orders_.find(id); it != orders_.end()) {
            answer = http_response::json(200, it->second);
        }
    }
    std::this_thread::sleep_for(wait);
    return answer;
}

}  // namespace refundbot::tests
