#pragma once

#include "tests/support/fake_http_server.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace refundbot::tests {

/// The Shopify Admin GraphQL API for one shop: `POST /admin/api/{version}/graphql.json` with
/// `X-Shopify-Access-Token` and a JSON `{query, variables}` body. Answers `order(id:)` and
/// `orders(first:, query: "name:...")` from the orders added, with Shopify's envelope (`data`,
/// `errors`, `extensions.cost`); a wrong token gets 401, a malformed request 400, and both are
/// recorded. Can answer THROTTLED as Shopify does (HTTP 200 with an error).
class fake_shopify {
public:
    fake_shopify(std::string token, std::string api_version);

    /// An Order node as GraphQL returns it (`{"id": "gid://shopify/Order/1", "name": "#1001",
    /// ...}`), found by its number or its name.
    void add(const std::string& order_node);
    /// The next `n` queries are answered with a THROTTLED error.
    void throttle(int n);
    [[nodiscard]] std::string shop_url() const { return server_.base_url(); }
    [[nodiscard]] std::vector<std::string> rejections() const;
    /// The GraphQL documents received, in order.
    [[nodiscard]] std::vector<std::string> queries() const;

private:
    bot::server::http_response handle(const bot::server::http_request& req);

    std::string token_;
    std::string api_version_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> by_gid_;
    std::map<std::string, std::string> by_name_;
    std::vector<std::string> rejections_;
    std::vector<std::string> queries_;
    int throttled_ = 0;
    fake_http_server server_;
};

}  // namespace refundbot::tests
