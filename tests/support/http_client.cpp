#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <system_error>

namespace refundbot::tests {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct http_connection::impl {
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
};

http_connection::http_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
    impl_->stream.expires_after(std::chrono::seconds(10));
    impl_->stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

http_connection::~http_connection() {
    beast::error_code ignored;
    impl_->stream.socket().close(ignored);
}

std::size_t http_connection::write_raw(const std::string& bytes) {
    impl_->stream.expires_after(std::chrono::seconds(10));
    return asio::write(impl_->stream, asio::buffer(bytes));
}

http_reply http_connection::read_reply(std::chrono::milliseconds timeout) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(false);
    // Synchronous reads ignore tcp_stream's expiry, so run the async read with a deadline.
    impl_->stream.expires_after(timeout);
    beast::error_code ec;
    bool done = false;
    bhttp::async_read(impl_->stream, impl_->buffer, parser, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    impl_->ioc.restart();
    while (!done && impl_->ioc.run_one() > 0) {
    }
    if (ec) {
        throw std::system_error(ec, "reading the response");
    }
    auto& res = parser.get();
    http_reply out;
    out.status = res.result_int();
    out.keep_alive = res.keep_alive();
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    return out;
}

http_reply http_connection::send(const http_call& call) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(call.method), call.target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : call.headers) {
        req.set(name, value);
    }
    req.body() = call.body;
    req.prepare_payload();
    impl_->stream.expires_after(std::chrono::seconds(10));
    bhttp::write(impl_->stream, req);
    return read_reply();
}

bool http_connection::closed_by_peer(std::chrono::milliseconds timeout) {
    impl_->stream.expires_after(timeout);
    beast::error_code ec;
    bool done = false;
    char byte;
    impl_->stream.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    impl_->ioc.restart();
    while (!done && impl_->ioc.run_one() > 0) {
    }
    return ec == asio::error::eof || ec == asio::error::connection_reset;
}

http_reply http(std::uint16_t port, const http_call& call) {
    http_connection c(port);
    return c.send(call);
}

std::uint16_t free_port() {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

std::uint16_t port_of(const std::string& base_url) {
    return static_cast<std::uint16_t>(std::stoi(base_url.substr(base_url.rfind(':') + 1)));
}

}  // namespace refundbot::tests
