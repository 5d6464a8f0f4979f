#include "tests/support/dropping_proxy.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <deque>
#include <mutex>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace refundbot::tests {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct dropping_proxy::impl {
    std::uint16_t upstream;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
    std::thread accepting;
    mutable std::mutex mutex;
    std::vector<std::thread> connections;
    std::vector<std::shared_ptr<tcp::socket>> open;
    enum class fate { pass, drop_request, drop_answer };
    std::deque<fate> plan;  ///< for the next requests, in order; then everything passes
    int resets = 0;
    bool stopping = false;

    fate next_fate() {
        std::lock_guard lock(mutex);
        if (plan.empty()) {
            return fate::pass;
        }
        const auto f = plan.front();
        plan.pop_front();
        resets += f == fate::pass ? 0 : 1;
        return f;
    }

    void add(int after, int n, fate f) {
        std::lock_guard lock(mutex);
        plan.insert(plan.end(), static_cast<std::size_t>(after), fate::pass);
        plan.insert(plan.end(), static_cast<std::size_t>(n), f);
    }

    // Under the mutex: the destructor may be shutting the same socket down.
    void close(tcp::socket& s, bool with_reset) {
        std::lock_guard lock(mutex);
        boost::system::error_code ec;
        if (with_reset) {
            s.set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
        }
        s.close(ec);
    }

    // One client connection, request by request, each on the upstream connection.
    void serve(const std::shared_ptr<tcp::socket>& client) {
        boost::system::error_code ec;
        tcp::socket server(ioc);
        server.connect({asio::ip::make_address("127.0.0.1"), upstream}, ec);
        if (ec) {
            close(*client, true);
            return;
        }
        boost::beast::flat_buffer from_client;
        boost::beast::flat_buffer from_server;
        for (;;) {
            http::request<http::string_body> req;
            http::read(*client, from_client, req, ec);
            if (ec) {
                break;
            }
            const auto f = next_fate();
            if (f == fate::drop_request) {
                close(*client, true);
                return;
            }
            http::write(server, req, ec);
            http::response<http::string_body> res;
            if (!ec) {
                http::read(server, from_server, res, ec);
            }
            if (ec || f == fate::drop_answer) {
                close(*client, true);
                return;
            }
            http::write(*client, res, ec);
            if (ec || !res.keep_alive() || !req.keep_alive()) {
                break;
            }
        }
        close(*client, false);
    }

    void accept_loop() {
        for (;;) {
            auto client = std::make_shared<tcp::socket>(ioc);
            boost::system::error_code ec;
            acceptor.accept(*client, ec);
            std::lock_guard lock(mutex);
            if (stopping || ec) {
                return;
            }
            open.push_back(client);
            connections.emplace_back([this, client] { serve(client); });
        }
    }
};

dropping_proxy::dropping_proxy(std::uint16_t upstream_port) : impl_(std::make_unique<impl>()) {
    impl_->upstream = upstream_port;
    impl_->accepting = std::thread([this] { impl_->accept_loop(); });
}

dropping_proxy::~dropping_proxy() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        boost::system::error_code ec;
        // Ends blocked reads: the accept and every connection's.
        ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
        for (const auto& s : impl_->open) {
            if (s->is_open()) {
                s->shutdown(tcp::socket::shutdown_both, ec);
            }
        }
    }
    impl_->accepting.join();
    for (auto& t : impl_->connections) {
        t.join();
    }
}

void dropping_proxy::drop_requests(int n, int after) {
    impl_->add(after, n, impl::fate::drop_request);
}

void dropping_proxy::drop_answers(int n, int after) {
    impl_->add(after, n, impl::fate::drop_answer);
}

int dropping_proxy::resets() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->resets;
}

std::string dropping_proxy::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port());
}

}  // namespace refundbot::tests
