#pragma once

#include "pipeline/core/secret.hpp"
#include "pipeline/ports/order_source.hpp"

#include <string>

namespace refundbot::adapters::http {
class client;
}  // namespace refundbot::adapters::http

namespace refundbot::adapters::orders {

struct lookup_settings {
    std::string url;               ///< enrich.order_lookup_url; empty disables the lookup
    pipeline::core::secret token;  ///< sent as a bearer token when set
};

/// Asks the shop's order system about an order: `GET {url}?order_id=..&customer_id=..&source=..`
/// answered by `{"order": <order as in the request schema>, "customer_id": "..",
/// "context": <enriched context>}` (every member optional; docs/order-lookup.md). 404 means
/// "no such order". Timeouts come from the HTTP client's settings.
/// @par Thread safety
/// look_up() may be called from any thread.
class http_lookup final : public pipeline::ports::order_source {
public:
    http_lookup(http::client& http, lookup_settings settings);
    [[nodiscard]] pipeline::model::order_facts look_up(
        const pipeline::model::refund_request& request
    ) override;

private:
    http::client& http_;
    lookup_settings settings_;
};

}  // namespace refundbot::adapters::orders
