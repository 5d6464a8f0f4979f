#include "bot/handlers/metrics.hpp"

#include "adapters/telemetry/metrics.hpp"

namespace refundbot::bot::handlers {

server::handler metrics(const adapters::telemetry::metrics_registry& registry) {
    return
        [&registry](const server::http_request&) -> boost::asio::awaitable<server::http_response> {
            co_return server::http_response{
                .status = 200,
                .content_type = "text/plain; version=0.0.4; charset=utf-8",
                .body = registry.render(),
                .headers = {},
            };
        };
}

}  // namespace refundbot::bot::handlers
