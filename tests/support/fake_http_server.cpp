#include "tests/support/fake_http_server.hpp"

#include "adapters/telemetry/metrics.hpp"
#include "bot/server/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <mutex>
#include <thread>

namespace refundbot::tests {

namespace asio = boost::asio;
using bot::server::http_request;
using bot::server::http_response;

struct fake_http_server::impl {
    explicit impl(responder r) : respond(std::move(r)) {}

    responder respond;
    mutable std::mutex mutex;
    std::vector<http_request> requests;
    adapters::telemetry::metrics_registry metrics;
    asio::io_context ioc{1};
    std::unique_ptr<bot::server::router> routes;
    std::unique_ptr<bot::server::http_server> server;
    std::uint16_t port = 0;
    std::thread thread;
};

fake_http_server::fake_http_server(responder respond)
    : impl_(std::make_unique<impl>(std::move(respond))) {
    impl_->routes = std::make_unique<bot::server::router>();
    // Any method on any path reaches the responder, which answers 404 itself where it must.
    impl_->routes->fallback([this](const http_request& req) -> asio::awaitable<http_response> {
        std::lock_guard lock(impl_->mutex);
        impl_->requests.push_back(req);
        co_return impl_->respond(req);
    });
    bot::server::server_settings settings;
    settings.port = 0;
    settings.max_body_bytes = 8 * 1024 * 1024;
    impl_->server = std::make_unique<bot::server::http_server>(
        impl_->ioc, settings, *impl_->routes, impl_->metrics
    );
    impl_->port = impl_->server->listen();
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

fake_http_server::~fake_http_server() {
    asio::co_spawn(
        impl_->ioc, impl_->server->async_shutdown(std::chrono::milliseconds(500)), asio::use_future
    )
        .get();
    impl_->ioc.stop();
    impl_->thread.join();
}

std::uint16_t fake_http_server::port() const {
    return impl_->port;
}

std::string fake_http_server::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<http_request> fake_http_server::received() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t fake_http_server::open_connections() const {
    return impl_->server->active_connections();
}

}  // namespace refundbot::tests
