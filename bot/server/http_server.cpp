// The only file under bot/ that includes Beast. Sessions are straight-line coroutines; every
// expected network condition (timeout, reset, limit) is an error_code checked inline.
#include "bot/server/http_server.hpp"

#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"
#include "bot/server/request_id.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <mutex>
#include <set>

namespace refundbot::bot::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct connection {
    explicit connection(tcp::socket s) : stream(std::move(s)) {}
    beast::tcp_stream stream;
    bool idle = true;  // only touched on the connection's strand
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

struct served {
    bool keep_alive = false;
};

// The read deadline is our own timer rather than tcp_stream's expiry, because the stream closes
// the socket when its expiry fires, and a slow client should still be told 408. The state is
// shared with the timer's handler, which may run after serve_one has returned.
struct read_deadline {
    bool active = true;
    bool fired = false;
};

}  // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
    impl(
        asio::io_context& io,
        server_settings s,
        const router& r,
        adapters::telemetry::metrics_registry& metrics
    )
        : ioc(io),
          settings(std::move(s)),
          routes(r),
          acceptor(asio::make_strand(io)),
          requests(metrics.counter(
              "refundbot_http_requests_total",
              "HTTP requests answered, by method, route and status.",
              {"method", "route", "status"}
          )),
          durations(metrics.histogram(
              "refundbot_http_request_duration_seconds",
              "Time from a request's first byte to its response being ready, by route.",
              {"route"},
              adapters::telemetry::latency_buckets()
          )) {}

    asio::io_context& ioc;
    server_settings settings;
    const router& routes;
    tcp::acceptor acceptor;
    adapters::telemetry::counter_family& requests;
    adapters::telemetry::histogram_family& durations;
    adapters::telemetry::logger log{"http"};
    std::atomic<bool> stopping{false};
    mutable std::mutex mutex;
    std::set<std::shared_ptr<connection>> connections;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(std::shared_ptr<connection> conn);
    asio::awaitable<void> run_session(connection& conn);
    asio::awaitable<served> serve_one(connection& conn, beast::flat_buffer& buffer);
    asio::awaitable<void> write(
        connection& conn,
        unsigned version,
        const http_response& res,
        const std::string& request_id,
        bool keep_alive
    );
    void record(
        std::string_view method,
        std::string_view route,
        unsigned status,
        std::size_t bytes,
        clock::time_point started,
        const std::string& request_id
    );
};

http_server::http_server(
    asio::io_context& ioc,
    server_settings settings,
    const router& routes,
    adapters::telemetry::metrics_registry& metrics
)
    : impl_(std::make_shared<impl>(ioc, std::move(settings), routes, metrics)) {}

http_server::~http_server() = default;

std::uint16_t http_server::listen() {
    auto& self = *impl_;
    const tcp::endpoint endpoint(asio::ip::make_address(self.settings.host), self.settings.port);
    self.acceptor.open(endpoint.protocol());
    self.acceptor.set_option(asio::socket_base::reuse_address(true));
    self.acceptor.bind(endpoint);
    self.acceptor.listen(asio::socket_base::max_listen_connections);
    const auto port = self.acceptor.local_endpoint().port();
    asio::co_spawn(
        self.acceptor.get_executor(),
        self.accept_loop(),
        [keep = impl_](std::exception_ptr e) {
            if (e) {
                keep->log.error("accept loop stopped by an exception");
            }
        }
    );
    return port;
}

asio::awaitable<void> http_server::impl::accept_loop() {
    for (;;) {
        const asio::any_io_executor conn_ex = asio::make_strand(ioc);
        auto [ec, socket] = co_await acceptor.async_accept(conn_ex, use_tuple);
        if (stopping || ec == asio::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            // Typically EMFILE: back off briefly instead of spinning on the error.
            log.warn("accept failed", {{"error", ec.message()}});
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        auto conn = std::make_shared<connection>(std::move(socket));
        {
            std::lock_guard lock(mutex);
            connections.insert(conn);
        }
        asio::co_spawn(
            conn->stream.get_executor(),
            session(conn),
            [self = shared_from_this(), conn](std::exception_ptr e) {
                if (e) {
                    try {
                        std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                        self->log.error("connection failed", {{"error", ex.what()}});
                    }
                }
                std::lock_guard lock(self->mutex);
                self->connections.erase(conn);
            }
        );
    }
}

asio::awaitable<void> http_server::impl::session(std::shared_ptr<connection> conn) {
    // Nothing may escape this frame: g++ 12 destroys a coroutine's by-value parameters (conn)
    // twice when an exception leaves it.
    try {
        co_await run_session(*conn);
    } catch (const std::exception& e) {
        log.error("connection failed", {{"error", e.what()}});
    }
}

asio::awaitable<void> http_server::impl::run_session(connection& c) {
    auto* conn = &c;
    beast::flat_buffer buffer;
    for (;;) {
        if (buffer.size() == 0) {
            // Between requests the connection is idle: shutdown may close it, and the idle
            // timeout, not the read timeout, applies until the next request's first byte.
            conn->idle = true;
            if (stopping) {
                break;
            }
            conn->stream.expires_after(settings.idle_timeout);
            auto [ec, n] = co_await conn->stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (ec) {
                break;
            }
            buffer.commit(n);
        }
        conn->idle = false;
        const served outcome = co_await serve_one(*conn, buffer);
        if (!outcome.keep_alive || stopping) {
            break;
        }
    }
    // Lingering close (RFC 7230 section 6.6): closing with unread bytes in the socket makes the
    // kernel send RST, which on a real network can destroy a response still in flight (a 413
    // to a large upload). So half-close, then drain what the client still sends, bounded in
    // time and bytes.
    beast::error_code ignored;
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    conn->stream.expires_after(std::chrono::milliseconds(500));
    std::size_t drained = 0;
    std::array<char, 8192> sink{};
    while (drained < 4 * settings.max_body_bytes) {
        auto [ec, n] = co_await conn->stream.async_read_some(asio::buffer(sink), use_tuple);
        if (ec) {
            break;
        }
        drained += n;
    }
}

asio::awaitable<served> http_server::impl::serve_one(connection& conn, beast::flat_buffer& buffer) {
    const auto started = clock::now();
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.max_header_bytes));
    parser.body_limit(settings.max_body_bytes);
    conn.stream.expires_never();
    auto deadline_state = std::make_shared<read_deadline>();
    asio::steady_timer deadline(conn.stream.get_executor(), settings.read_timeout);
    // Runs on the connection's strand, like the session, so no locking is needed.
    deadline.async_wait([deadline_state, &conn](beast::error_code ec) {
        if (!ec && deadline_state->active) {
            deadline_state->fired = true;
            conn.stream.socket().cancel();
        }
    });

    auto fail = [&](beast::error_code ec) -> asio::awaitable<served> {
        deadline_state->active = false;
        // Whatever fields were parsed before the failure are there; the id may be among them.
        const std::string id = request_id_for(parser.get()["X-Request-Id"]);
        http_response res;
        if (deadline_state->fired) {
            res = http_response::error(
                408,
                "request_timeout",
                "the request was not received within " +
                    std::to_string(settings.read_timeout.count()) + " ms"
            );
        } else if (ec == http::error::body_limit) {
            res = http_response::error(
                413,
                "payload_too_large",
                "request body exceeds the limit of " + std::to_string(settings.max_body_bytes) +
                    " bytes (http.max_body_bytes)"
            );
        } else if (ec == http::error::header_limit) {
            res = http_response::error(
                431,
                "header_too_large",
                "request headers exceed the limit of " + std::to_string(settings.max_header_bytes) +
                    " bytes (http.max_header_bytes)"
            );
        } else if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
            co_return served{};
        } else {
            res =
                http_response::error(400, "bad_request", "malformed HTTP request: " + ec.message());
        }
        const std::string_view method =
            parser.is_header_done() ? std::string_view(parser.get().method_string()) : "-";
        record(method, "unmatched", res.status, res.body.size(), started, id);
        co_await write(conn, 11, res, id, false);
        co_return served{};
    };

    auto [ec, n] = co_await http::async_read_header(conn.stream, buffer, parser, use_tuple);
    if (ec) {
        co_return co_await fail(ec);
    }
    auto& head = parser.get();
    if (beast::iequals(head[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, head.version()};
        auto [cec, cn] = co_await http::async_write(conn.stream, cont, use_tuple);
        if (cec) {
            co_return served{};
        }
    }
    if (!parser.is_done()) {
        auto [bec, bn] = co_await http::async_read(conn.stream, buffer, parser, use_tuple);
        if (bec) {
            co_return co_await fail(bec);
        }
    }

    deadline_state->active = false;
    deadline.cancel();

    auto msg = parser.release();
    http_request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string::npos ? "" : req.target.substr(q + 1);
    for (const auto& field : msg) {
        req.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.request_id = request_id_for(req.header("x-request-id"));
    const bool keep_alive = msg.keep_alive() && !stopping;

    const auto found = routes.find(req.method, req.path);
    http_response res;
    switch (found.outcome) {
        case router::match::kind::not_found:
            res = http_response::error(404, "not_found", "no route for " + req.path);
            break;
        case router::match::kind::method_not_allowed:
            res = http_response::error(
                405,
                "method_not_allowed",
                req.method + " is not allowed on " + req.path + "; allowed: " + found.allow
            );
            res.headers.emplace_back("Allow", found.allow);
            break;
        case router::match::kind::found:
            try {
                res = co_await (*found.target)(req);
            } catch (const std::exception& e) {
                log.error(
                    "handler failed",
                    {{"request_id", req.request_id}, {"route", found.route}, {"error", e.what()}}
                );
                res = http_response::error(500, "internal_error", "internal error; see the logs");
            }
            break;
    }
    // Recorded before the write, so anyone who has seen the response also sees it counted.
    record(req.method, found.route, res.status, res.body.size(), started, req.request_id);
    co_await write(conn, msg.version(), res, req.request_id, keep_alive && !stopping);
    co_return served{.keep_alive = keep_alive && !stopping};
}

asio::awaitable<void> http_server::impl::write(
    connection& conn,
    unsigned version,
    const http_response& res,
    const std::string& request_id,
    bool keep_alive
) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "refundbot");
    out.set(http::field::content_type, res.content_type);
    out.set("X-Request-Id", request_id);
    for (const auto& [name, value] : res.headers) {
        out.set(name, value);
    }
    out.body() = res.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    conn.stream.expires_after(settings.write_timeout);
    co_await http::async_write(conn.stream, out, use_tuple);
}

void http_server::impl::record(
    std::string_view method,
    std::string_view route,
    unsigned status,
    std::size_t bytes,
    clock::time_point started,
    const std::string& request_id
) {
    const double seconds = std::chrono::duration<double>(clock::now() - started).count();
    const std::string status_text = std::to_string(status);
    requests.add({std::string(method), std::string(route), status_text});
    durations.observe({std::string(route)}, seconds);
    log.info(
        "request",
        {{"request_id", request_id},
         {"method", method},
         {"route", route},
         {"status", status},
         {"bytes", bytes},
         {"duration_ms", std::round(seconds * 1e6) / 1e3}}
    );
}

asio::awaitable<void> http_server::async_shutdown(std::chrono::milliseconds grace) {
    auto self = impl_;
    self->stopping = true;
    asio::dispatch(self->acceptor.get_executor(), [self] {
        beast::error_code ignored;
        self->acceptor.close(ignored);
    });
    const auto for_each_connection = [&](auto action) {
        std::lock_guard lock(self->mutex);
        for (const auto& conn : self->connections) {
            asio::dispatch(conn->stream.get_executor(), [conn, action] { action(*conn); });
        }
    };
    for_each_connection([](connection& c) {
        if (c.idle) {
            c.stream.cancel();
        }
    });

    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto deadline = clock::now() + grace;
    while (active_connections() > 0 && clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(use_tuple);
    }
    if (active_connections() > 0) {
        self->log.warn(
            "shutdown grace period over; closing connections still open",
            {{"connections", active_connections()}}
        );
        for_each_connection([](connection& c) { c.stream.close(); });
        // Give the sessions a moment to unwind after their sockets closed.
        const auto hard_deadline = clock::now() + std::chrono::seconds(1);
        while (active_connections() > 0 && clock::now() < hard_deadline) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(use_tuple);
        }
    }
}

std::size_t http_server::active_connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections.size();
}

}  // namespace refundbot::bot::server
