// The one translation unit that instantiates Beast's client side (see style.md: Beast is
// expensive to compile, so nothing outside this file includes it).
#include "adapters/http/client.hpp"

#include "adapters/http/url.hpp"
#include "adapters/telemetry/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <deque>
#include <map>
#include <random>
#include <sys/socket.h>
#include <thread>

namespace refundbot::adapters::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto with_error = asio::as_tuple(asio::use_awaitable);

struct connection {
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    clock::time_point idle_since;

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

enum class stage { connect, write, read };

struct attempt_result {
    std::optional<response> reply;
    stage failed_at = stage::connect;
    std::string error;
    bool reused = false;
    bool nothing_received = false;  ///< the peer closed before a byte of the response
};

std::string host_header(const url& u) {
    const bool default_port = u.port == (u.tls ? 443 : 80);
    const auto host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
    return default_port ? host : host + ":" + std::to_string(u.port);
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return out;
}

std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds base, int attempt) {
    thread_local std::mt19937 rng{std::random_device{}()};
    const auto ceiling = base.count() << std::min(attempt - 1, 6);
    std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
    return std::chrono::milliseconds(pick(rng));
}

}  // namespace

std::optional<std::string_view> response::header(std::string_view lower_case_name) const {
    for (const auto& h : headers) {
        if (h.name == lower_case_name) {
            return h.value;
        }
    }
    return std::nullopt;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
    }
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::seconds(seconds);
}

struct client::impl {
    explicit impl(client_settings s) : settings(std::move(s)) {
        tls.set_default_verify_paths();
        tls.set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
        if (!settings.extra_ca_file.empty()) {
            tls.load_verify_file(settings.extra_ca_file);
        }
        thread = std::thread([this] { ioc.run(); });
    }

    ~impl() {
        work.reset();
        ioc.stop();
        thread.join();
    }

    client_settings settings;
    asio::io_context ioc{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
    ssl::context tls{ssl::context::tls_client};
    // Touched only by coroutines on the one I/O thread.
    std::map<std::string, std::deque<std::unique_ptr<connection>>> idle;
    std::atomic<std::size_t> opened{0};
    std::thread thread;
    telemetry::logger log{"http"};

    // An idle HTTP/1.1 connection has nothing to read: readable bytes or an end of stream mean
    // the server closed it (or is closing it), and a request sent on it could be lost.
    static bool still_open(connection& c) {
        char byte = 0;
        const auto n =
            ::recv(c.lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }

    std::unique_ptr<connection> take_idle(const std::string& origin) {
        auto it = idle.find(origin);
        while (it != idle.end() && !it->second.empty()) {
            auto c = std::move(it->second.back());
            it->second.pop_back();
            if (clock::now() - c->idle_since < settings.max_idle && still_open(*c)) {
                return c;
            }
        }
        return nullptr;
    }

    void give_back(const std::string& origin, std::unique_ptr<connection> c) {
        auto& list = idle[origin];
        if (list.size() < settings.max_idle_per_origin) {
            c->idle_since = clock::now();
            list.push_back(std::move(c));
        }
    }

    asio::awaitable<std::unique_ptr<connection>> connect(const url& u, std::string& error) {
        using namespace asio::experimental::awaitable_operators;
        tcp::resolver resolver(ioc);
        asio::steady_timer deadline(ioc);
        deadline.expires_after(settings.connect_timeout);
        auto resolved = co_await (
            resolver.async_resolve(u.host, std::to_string(u.port), with_error) ||
            deadline.async_wait(with_error)
        );
        if (resolved.index() == 1) {
            error = "resolving " + u.host + " timed out";
            co_return nullptr;
        }
        auto [rec, endpoints] = std::get<0>(resolved);
        if (rec) {
            error = "cannot resolve " + u.host + ": " + rec.message();
            co_return nullptr;
        }
        auto c = std::make_unique<connection>();
        beast::tcp_stream stream(ioc);
        stream.expires_at(deadline.expiry());
        auto [cec, endpoint] = co_await stream.async_connect(endpoints, with_error);
        if (cec) {
            error = "cannot connect to " + u.origin() + ": " +
                    (cec == beast::error::timeout ? std::string("timed out") : cec.message());
            co_return nullptr;
        }
        ++opened;
        if (!u.tls) {
            c->plain = std::make_unique<beast::tcp_stream>(std::move(stream));
            co_return c;
        }
        c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream), tls);
        // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
        if (SSL_ctrl(
                c->tls->native_handle(),
                SSL_CTRL_SET_TLSEXT_HOSTNAME,
                TLSEXT_NAMETYPE_host_name,
                const_cast<char*>(u.host.c_str())
            ) != 1) {
            error = "cannot set SNI for " + u.host;
            co_return nullptr;
        }
        c->tls->set_verify_callback(ssl::host_name_verification(u.host));
        auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, with_error);
        if (hec) {
            error = "TLS handshake with " + u.origin() + " failed: " +
                    (hec == beast::error::timeout ? std::string("timed out") : hec.message());
            co_return nullptr;
        }
        co_return c;
    }

    template <class Stream>
    asio::awaitable<attempt_result> exchange(
        Stream& stream, connection& c, const url& u, const request& r
    ) {
        attempt_result out;
        bhttp::request<bhttp::string_body> req;
        req.version(11);
        req.method_string(r.method);
        req.target(u.target);
        req.set(bhttp::field::host, host_header(u));
        req.set(bhttp::field::user_agent, settings.user_agent);
        for (const auto& h : r.headers) {
            req.set(h.name, h.value);
        }
        req.body() = r.body;
        req.keep_alive(true);
        req.prepare_payload();
        c.lowest().expires_after(settings.request_timeout);
        auto [wec, written] = co_await bhttp::async_write(stream, req, with_error);
        if (wec) {
            out.failed_at = stage::write;
            out.error = "writing to " + u.origin() + " failed: " +
                        (wec == beast::error::timeout ? std::string("timed out") : wec.message());
            co_return out;
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(settings.max_response_bytes);
        auto [rec, read] = co_await bhttp::async_read(stream, c.buffer, parser, with_error);
        if (rec) {
            out.failed_at = stage::read;
            out.nothing_received = !parser.got_some();
            out.error = "reading from " + u.origin() + " failed: " +
                        (rec == beast::error::timeout ? std::string("timed out") : rec.message());
            co_return out;
        }
        auto msg = parser.release();
        response reply;
        reply.status = msg.result_int();
        for (const auto& f : msg) {
            reply.headers.push_back({lower(f.name_string()), std::string(f.value())});
        }
        reply.body = std::move(msg.body());
        out.reply = std::move(reply);
        if (!msg.keep_alive()) {
            out.error = "close";  // not an error: tells attempt() not to pool the connection
        }
        co_return out;
    }

    // Never throws: an exception escaping a coroutine with by-value parameters trips a g++ 12
    // bug (double destruction), so failures travel as values.
    asio::awaitable<attempt_result> attempt(url u, const request& r) {
        attempt_result out;
        try {
            auto c = take_idle(u.origin());
            const bool reused = c != nullptr;
            if (!c) {
                c = co_await connect(u, out.error);
                if (!c) {
                    co_return out;
                }
            }
            // Not a conditional expression: g++ 12 evaluates both co_await operands of `?:`.
            if (c->tls) {
                out = co_await exchange(*c->tls, *c, u, r);
            } else {
                out = co_await exchange(*c->plain, *c, u, r);
            }
            out.reused = reused;
            if (out.reply && out.error.empty()) {
                give_back(u.origin(), std::move(c));
            }
            if (out.reply) {
                out.error.clear();
            }
        } catch (const std::exception& e) {
            out.reply.reset();
            out.error = std::string("request to ") + u.origin() + " failed: " + e.what();
        }
        co_return out;
    }
};

client::client(client_settings settings) : impl_(std::make_unique<impl>(std::move(settings))) {}

client::~client() = default;

std::size_t client::connections_opened() const {
    return impl_->opened.load();
}

response client::send(const request& r) {
    const auto parsed = parse_url(r.url);
    if (!parsed.value) {
        throw std::invalid_argument("bad URL for " + r.method + ": " + parsed.error);
    }
    const auto& u = *parsed.value;
    const auto& s = impl_->settings;
    bool stale_retry_used = false;
    std::string last_error;
    for (int attempt = 1; attempt <= s.max_attempts; ++attempt) {
        auto outcome = asio::co_spawn(impl_->ioc, impl_->attempt(u, r), asio::use_future).get();
        auto wait = jittered_backoff(s.backoff, attempt);
        if (outcome.reply) {
            auto& reply = *outcome.reply;
            reply.attempts = attempt;
            const bool throttled = reply.status == 429;
            const bool server_error = reply.status == 500 || reply.status == 502 ||
                                      reply.status == 503 || reply.status == 504 ||
                                      reply.status == 529;  // Anthropic: overloaded
            if (!(throttled || (server_error && r.idempotent)) || attempt == s.max_attempts) {
                return std::move(reply);
            }
            if (const auto after = reply.header("retry-after")) {
                const auto seconds = parse_retry_after(*after);
                if (seconds && *seconds > s.max_retry_after) {
                    return std::move(reply);  // too long to block a worker; the job retries
                }
                if (seconds) {
                    wait = std::max<std::chrono::milliseconds>(wait, *seconds);
                }
            }
            impl_->log.warn(
                "retrying HTTP request",
                {{"origin", u.origin()},
                 {"status", reply.status},
                 {"attempt", attempt},
                 {"wait_ms", wait.count()}}
            );
            std::this_thread::sleep_for(wait);
            continue;
        }
        last_error = outcome.error;
        // A pooled connection the server closed while idle, so the request never arrived, or
        // so it seems: a server that acted and then lost the connection looks the same. Only
        // a request that is safe to repeat is sent again at once.
        if (outcome.reused && outcome.nothing_received && r.idempotent && !stale_retry_used) {
            stale_retry_used = true;
            --attempt;
            continue;
        }
        if (outcome.failed_at != stage::connect && !r.idempotent) {
            throw transport_error(last_error + " (not retried: the request may have arrived)");
        }
        if (attempt < s.max_attempts) {
            impl_->log.warn(
                "retrying HTTP request",
                {{"origin", u.origin()},
                 {"error", last_error},
                 {"attempt", attempt},
                 {"wait_ms", wait.count()}}
            );
            std::this_thread::sleep_for(wait);
        }
    }
    throw transport_error(last_error + " (after " + std::to_string(s.max_attempts) + " attempts)");
}

}  // namespace refundbot::adapters::http
