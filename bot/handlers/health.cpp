#include "bot/handlers/health.hpp"

#include "adapters/postgres/database.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::handlers {

server::handler healthz() {
    return [](const server::http_request&) -> boost::asio::awaitable<server::http_response> {
        co_return server::http_response::json(200, R"({"status":"ok"})");
    };
}

server::handler readyz(adapters::postgres::database& db) {
    return [&db](const server::http_request&) -> boost::asio::awaitable<server::http_response> {
        const auto r = co_await db.async_check_ready(adapters::postgres::embedded_migrations());
        boost::json::object body;
        body["status"] = r.ready ? "ready" : "unavailable";
        body["reason"] = r.reason;
        co_return server::http_response::json(r.ready ? 200 : 503, boost::json::serialize(body));
    };
}

}  // namespace refundbot::bot::handlers
