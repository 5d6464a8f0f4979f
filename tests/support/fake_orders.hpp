#pragma once

#include "tests/support/fake_http_server.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// A shop's order system behind `enrich.order_lookup_url`: `GET /orders?order_id=..` with the
/// bearer token answers the order registered for that id (docs/order-lookup.md), 404 for
/// others; requests without the token or the order id are rejected and recorded.
class fake_orders {
public:
    explicit fake_orders(std::string token);

    /// The answer for `order_id`: `{"order": ..., "customer_id": ..., "context": ...}` text.
    void add(const std::string& order_id, std::string answer);
    /// Every lookup waits this long before answering (a slow order system).
    void delay(std::chrono::milliseconds d);
    [[nodiscard]] std::string url() const { return server_.base_url() + "/orders"; }
    [[nodiscard]] std::vector<std::string> rejections() const;
    [[nodiscard]] std::size_t lookups() const;

private:
    bot::server::http_response handle(const bot::server::http_request& req);

    std::string token_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> orders_;
    std::vector<std::string> rejections_;
    std::chrono::milliseconds delay_{0};
    std::size_t lookups_ = 0;
    fake_http_server server_;
};

}  // namespace refundbot::tests
