#include "tests/support/fake_shopify.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <regex>

namespace refundbot::tests {

namespace json = boost::json;
using bot::server::http_request;
using bot::server::http_response;

namespace {

constexpr const char* cost =
    R"("extensions":{"cost":{"requestedQueryCost":12,"actualQueryCost":9,"throttleStatus":)"
    R"({"maximumAvailable":2000.0,"currentlyAvailable":1991,"restoreRate":100.0}}})";

http_response data(const std::string& payload) {
    return http_response::json(200, R"({"data":)" + payload + "," + cost + "}");
}

http_response graphql_error(const std::string& message, const std::string& code) {
    return http_response::json(
        200,
        R"({"errors":[{"message":)" + json::serialize(json::value(message)) +
            R"(,"extensions":{"code":")" + code + R"("}}],)" + cost + "}"
    );
}

bool balanced(const std::string& q) {
    int depth = 0;
    for (const char c : q) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (depth < 0) {
            return false;
        }
    }
    return depth == 0;
}

std::string without_hash(std::string name) {
    return !name.empty() && name.front() == '#' ? name.substr(1) : name;
}

}  // namespace

fake_shopify::fake_shopify(std::string token, std::string api_version)
    : token_(std::move(token)),
      api_version_(std::move(api_version)),
      server_([this](const http_request& req) { return handle(req); }) {}

void fake_shopify::add(const std::string& order_node) {
    const auto node = json::parse(order_node).as_object();
    std::lock_guard lock(mutex_);
    by_gid_[std::string(node.at("id").as_string())] = order_node;
    by_name_[without_hash(std::string(node.at("name").as_string()))] = order_node;
}

void fake_shopify::throttle(int n) {
    std::lock_guard lock(mutex_);
    throttled_ = n;
}

std::vector<std::string> fake_shopify::rejections() const {
    std::lock_guard lock(mutex_);
    return rejections_;
}

std::vector<std::string> fake_shopify::queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
}

http_response fake_shopify::handle(const http_request& req) {
    std::lock_guard lock(mutex_);
    const auto reject = [&](unsigned status, const std::string& why) {
        rejections_.push_back(why);
        return http_response::json(
            status, R"({"errors":)" + json::serialize(json::value(why)) + "}"
        );
    };
    if (req.method != "POST" || req.path != "/admin/api/" + api_version_ + "/graphql.json") {
        return reject(
            404,
            "expected POST /admin/api/" + api_version_ + "/graphql.json, got " + req.method + " " +
                req.target
        );
    }
    if (req.header("x-shopify-access-token") != std::optional<std::string_view>(token_)) {
        return reject(
            401, "[API] Invalid API key or access token (unrecognized login or wrong password)"
        );
    }
    if (!req.header("content-type").value_or("").starts_with("application/json")) {
        return reject(400, "Content-Type must be application/json");
    }
    boost::system::error_code ec;
    const auto body = json::parse(req.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("query") ||
        !body.as_object().at("query").is_string()) {
        return reject(400, "body must be a JSON object with a query string");
    }
    const std::string query(body.as_object().at("query").as_string());
    queries_.push_back(query);
    const auto* vars = body.as_object().if_contains("variables");
    if (vars == nullptr || !vars->is_object() || !balanced(query)) {
        return reject(400, "variables must be an object and the query well formed");
    }
    if (throttled_ > 0) {
        --throttled_;
        return graphql_error("Throttled", "THROTTLED");
    }
    const auto variable = [&](const char* name) {
        const auto* v = vars->as_object().if_contains(name);
        return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (query.find("order(id: $id)") != std::string::npos &&
        query.find("$id: ID!") != std::string::npos) {
        const auto id = variable("id");
        if (!std::regex_match(id, std::regex("gid://shopify/Order/[0-9]+"))) {
            return graphql_error("Invalid global id '" + id + "'", "argumentLiteralsIncompatible");
        }
        const auto it = by_gid_.find(id);
        return data(
            std::string(R"({"order":)") + (it == by_gid_.end() ? "null" : it->second) + "}"
        );
    }
    if (query.find("orders(first: 1, query: $query)") != std::string::npos &&
        query.find("$query: String!") != std::string::npos) {
        std::smatch m;
        const auto search = variable("query");
        if (!std::regex_match(search, m, std::regex("name:\"#?([^\"]+)\""))) {
            return reject(400, "expected a name:\"...\" search, got " + search);
        }
        const auto it = by_name_.find(m[1].str());
        return data(
            std::string(R"({"orders":{"nodes":[)") + (it == by_name_.end() ? "" : it->second) +
            "]}}"
        );
    }
    return reject(400, "unexpected query: " + query);
}

}  // namespace refundbot::tests
