// The real server on loopback sockets, with test routes (a slow one, a failing one) that the
// service itself does not have.
#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"
#include "bot/server/http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/prometheus.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace refundbot::bot::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using tests::http_call;

class http_server_test : public ::testing::Test {
protected:
    void SetUp() override {
        adapters::telemetry::init_logging(
            adapters::telemetry::log_level::warn, adapters::telemetry::log_format::text
        );
        routes
            .add("GET", "/echo", [this](const http_request& req) -> asio::awaitable<http_response> {
                ++calls;
                co_return http_response::text(
                    200, req.method + " " + req.path + " ?" + req.query + " " + req.body
                );
            });
        routes.add(
            "POST",
            "/echo",
            [this](const http_request& req) -> asio::awaitable<http_response> {
                ++calls;
                co_return http_response::text(200, std::to_string(req.body.size()));
            }
        );
        routes.add("GET", "/slow", [this](const http_request&) -> asio::awaitable<http_response> {
            slow_started = true;
            asio::steady_timer t(co_await asio::this_coro::executor, slow_duration);
            co_await t.async_wait(asio::use_awaitable);
            co_return http_response::text(200, "finished");
        });
        routes.add("GET", "/fail", [](const http_request&) -> asio::awaitable<http_response> {
            throw std::runtime_error("boom");
            co_return http_response::text(200, "unreachable");
        });
    }

    void start(server_settings s = {}) {
        s.port = 0;
        server = std::make_unique<http_server>(ioc, s, routes, metrics);
        port = server->listen();
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([this] { ioc.run(); });
        }
    }

    void shutdown(std::chrono::milliseconds grace) {
        asio::co_spawn(ioc, server->async_shutdown(grace), asio::use_future).get();
    }

    void TearDown() override {
        work.reset();
        ioc.stop();
        for (auto& t : threads) {
            t.join();
        }
    }

    asio::io_context ioc;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
        asio::make_work_guard(ioc)};
    adapters::telemetry::metrics_registry metrics;
    router routes;
    std::unique_ptr<http_server> server;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    std::atomic<int> calls{0};
    std::atomic<bool> slow_started{false};
    std::chrono::milliseconds slow_duration{500};
};

TEST_F(http_server_test, dispatches_by_method_and_path) {
    start();
    auto r =
        tests::http(port, {.method = "GET", .target = "/echo?x=1", .body = "hi", .headers = {}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "GET /echo ?x=1 hi");
    r = tests::http(port, {.method = "POST", .target = "/echo", .body = "12345", .headers = {}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "5");
}

TEST_F(http_server_test, answers_unknown_paths_with_404_json) {
    start();
    const auto r = tests::http_get(port, "/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.body, R"({"error":"not_found","message":"no route for /nope"})");
}

TEST_F(http_server_test, answers_a_wrong_method_with_405_and_allow) {
    start();
    const auto r =
        tests::http(port, {.method = "DELETE", .target = "/echo", .body = {}, .headers = {}});
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers.at("allow"), "GET, POST");
    EXPECT_NE(r.body.find("\"error\":\"method_not_allowed\""), std::string::npos);
}

TEST_F(http_server_test, rejects_an_oversize_body_with_413_before_the_handler_runs) {
    start({.max_body_bytes = 1024});
    auto r = tests::http(
        port, {.method = "POST", .target = "/echo", .body = std::string(1024, 'x'), .headers = {}}
    );
    EXPECT_EQ(r.status, 200) << "exactly at the limit is fine";
    r = tests::http(
        port,
        {.method = "POST",
         .target = "/echo",
         .body = std::string(1025, 'x'),
         .headers = {{"X-Request-Id", "upload-7"}}}
    );
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.headers.at("x-request-id"), "upload-7");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_NE(r.body.find("\"error\":\"payload_too_large\""), std::string::npos);
    EXPECT_NE(r.body.find("1024 bytes"), std::string::npos) << r.body;
    EXPECT_EQ(calls, 1);
}

TEST_F(http_server_test, a_large_upload_gets_413_from_its_headers_alone) {
    start({.max_body_bytes = 1024});
    tests::http_connection c(port);
    const std::size_t size = 8 * 1024 * 1024;
    c.write_raw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n"
    );
    // The 413 is decided from Content-Length, before the body: it arrives while this client,
    // like a plain uploader, is still sending, and stays readable afterwards.
    std::this_thread::sleep_for(100ms);
    try {
        for (std::size_t sent = 0; sent < size;) {
            sent += c.write_raw(std::string(64 * 1024, 'z'));
            std::this_thread::sleep_for(1ms);
        }
    } catch (const std::exception&) {
        // Once the server stops draining, writes fail; the reply must still be readable.
    }
    EXPECT_EQ(c.read_reply().status, 413);
    EXPECT_EQ(calls, 0);
}

TEST_F(http_server_test, rejects_an_oversize_chunked_body_with_413) {
    start({.max_body_bytes = 1024});
    tests::http_connection c(port);
    const std::string chunk(800, 'y');
    c.write_raw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
        "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"
    );
    EXPECT_EQ(c.read_reply().status, 413);
    EXPECT_EQ(calls, 0);
}

TEST_F(http_server_test, rejects_oversize_headers_with_431) {
    start({.max_header_bytes = 2048});
    const auto r = tests::http(
        port,
        {.method = "GET",
         .target = "/echo",
         .body = {},
         .headers = {{"X-Big", std::string(4096, 'h')}}}
    );
    EXPECT_EQ(r.status, 431);
}

TEST_F(http_server_test, answers_malformed_requests_with_400) {
    start();
    tests::http_connection c(port);
    c.write_raw("GET /echo HTTP/1.1\r\nHost x\r\n\r\n");
    const auto r = c.read_reply();
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("\"error\":\"bad_request\""), std::string::npos);
}

TEST_F(http_server_test, keeps_the_connection_alive_across_requests) {
    start();
    tests::http_connection c(port);
    for (int i = 0; i < 3; ++i) {
        const auto r = c.send({.method = "GET", .target = "/echo", .body = {}, .headers = {}});
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(r.keep_alive);
    }
    EXPECT_EQ(calls, 3);
}

TEST_F(http_server_test, echoes_a_sane_request_id_and_replaces_others) {
    start();
    auto r = tests::http(
        port,
        {.method = "GET",
         .target = "/echo",
         .body = {},
         .headers = {{"X-Request-Id", "trace-42.a"}}}
    );
    EXPECT_EQ(r.headers.at("x-request-id"), "trace-42.a");
    r = tests::http_get(port, "/echo");
    EXPECT_EQ(r.headers.at("x-request-id").size(), 32u);
    r = tests::http(
        port,
        {.method = "GET", .target = "/echo", .body = {}, .headers = {{"X-Request-Id", "bad id\"}"}}}
    );
    EXPECT_NE(r.headers.at("x-request-id"), "bad id\"}");
    EXPECT_EQ(r.headers.at("x-request-id").size(), 32u);
}

TEST_F(http_server_test, answers_a_throwing_handler_with_500_and_keeps_serving) {
    start();
    auto r = tests::http_get(port, "/fail");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, R"({"error":"internal_error","message":"internal error; see the logs"})");
    EXPECT_EQ(tests::http_get(port, "/echo").status, 200);
}

TEST_F(http_server_test, answers_expect_100_continue) {
    start();
    tests::http_connection c(port);
    c.write_raw(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
    );
    EXPECT_EQ(c.read_reply().status, 100);
    c.write_raw("abc");
    const auto r = c.read_reply();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "3");
}

TEST_F(http_server_test, closes_a_slow_client_with_408_at_the_read_timeout) {
    start({.read_timeout = 300ms});
    tests::http_connection c(port);
    const auto begin = std::chrono::steady_clock::now();
    c.write_raw("GET /echo HTTP/1.1\r\nHost: x\r\n");  // headers never finished
    const auto r = c.read_reply(5s);
    const auto waited = std::chrono::steady_clock::now() - begin;
    EXPECT_EQ(r.status, 408);
    EXPECT_FALSE(r.keep_alive);
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 3s);
    EXPECT_TRUE(c.closed_by_peer(2s));
    EXPECT_EQ(calls, 0);
}

TEST_F(http_server_test, a_slow_body_also_hits_the_read_timeout) {
    start({.read_timeout = 300ms});
    tests::http_connection c(port);
    c.write_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    EXPECT_EQ(c.read_reply(5s).status, 408);
    EXPECT_EQ(calls, 0);
}

TEST_F(http_server_test, closes_an_idle_keep_alive_connection_at_the_idle_timeout) {
    start({.idle_timeout = 300ms});
    tests::http_connection c(port);
    EXPECT_EQ(c.send({.method = "GET", .target = "/echo", .body = {}, .headers = {}}).status, 200);
    EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(http_server_test, a_thousand_idle_connections_do_not_starve_a_new_request) {
    rlimit files{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &files), 0);
    if (files.rlim_cur < 4096) {  // both ends of every connection live in this process
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 8192);
        ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &files), 0);
    }
    ASSERT_GE(files.rlim_cur, 2100U);
    start({.idle_timeout = 2s});
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::vector<int> idle;
    for (int i = 0; i < 1000; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        ASSERT_GE(fd, 0);
        idle.push_back(fd);
        ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (server->active_connections() < 1000 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_GE(server->active_connections(), 1000U);
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(tests::http_get(port, "/echo").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    // The idle timeout reclaims them all.
    while (server->active_connections() > 0 && std::chrono::steady_clock::now() < deadline + 5s) {
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(server->active_connections(), 0U);
    for (const int fd : idle) {
        ::close(fd);
    }
}

TEST_F(http_server_test, graceful_shutdown_lets_an_in_flight_request_finish) {
    start();
    std::optional<tests::http_reply> reply;
    std::thread client([&] { reply = tests::http_get(port, "/slow"); });
    while (!slow_started) {
        std::this_thread::sleep_for(5ms);
    }
    const auto begin = std::chrono::steady_clock::now();
    shutdown(5s);
    client.join();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "finished");
    EXPECT_FALSE(reply->keep_alive) << "answered with Connection: close";
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
    EXPECT_EQ(server->active_connections(), 0u);
    EXPECT_THROW(tests::http_get(port, "/echo"), std::exception) << "no longer accepting";
}

TEST_F(http_server_test, graceful_shutdown_closes_idle_connections_at_once) {
    start();
    tests::http_connection c(port);
    EXPECT_EQ(c.send({.method = "GET", .target = "/echo", .body = {}, .headers = {}}).status, 200);
    const auto begin = std::chrono::steady_clock::now();
    shutdown(5s);
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    EXPECT_TRUE(c.closed_by_peer(1s));
}

TEST_F(http_server_test, graceful_shutdown_gives_up_after_the_grace_period) {
    slow_duration = 30s;
    start();
    std::thread client([&] { EXPECT_THROW(tests::http_get(port, "/slow"), std::exception); });
    while (!slow_started) {
        std::this_thread::sleep_for(5ms);
    }
    const auto begin = std::chrono::steady_clock::now();
    shutdown(200ms);
    const auto took = std::chrono::steady_clock::now() - begin;
    client.join();
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 3s);
}

TEST_F(http_server_test, counts_requests_and_durations_by_route_and_status) {
    start();
    tests::http_get(port, "/echo");
    tests::http_get(port, "/echo");
    tests::http_get(port, "/nope");
    const auto text = metrics.render();
    const auto parsed = tests::parse_exposition(text);
    EXPECT_TRUE(parsed.problems.empty()) << text;
    EXPECT_EQ(
        parsed.samples.at(
            R"(refundbot_http_requests_total{method="GET",route="/echo",status="200"})"
        ),
        2
    );
    EXPECT_EQ(
        parsed.samples.at(
            R"(refundbot_http_requests_total{method="GET",route="unmatched",status="404"})"
        ),
        1
    );
    EXPECT_EQ(
        parsed.samples.at(R"(refundbot_http_request_duration_seconds_count{route="/echo"})"), 2
    );
}

}  // namespace
}  // namespace refundbot::bot::server
