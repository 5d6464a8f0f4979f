// The outbound client against loopback servers: our own HTTP server as a fake API, and
// `openssl s_server` for TLS verification.
#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "tests/support/dropping_proxy.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace refundbot {
namespace {

namespace http = adapters::http;
using bot::server::http_response;
using namespace std::chrono_literals;

http::request call(std::string method, std::string url, bool idempotent = false) {
    http::request r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.idempotent = idempotent;
    return r;
}

http::client_settings quick(
    int max_attempts = 4,
    std::chrono::milliseconds request_timeout = 15s,
    std::string extra_ca_file = {}
) {
    http::client_settings s;
    s.connect_timeout = 500ms;
    s.request_timeout = request_timeout;
    s.max_attempts = max_attempts;
    s.backoff = 10ms;
    s.extra_ca_file = std::move(extra_ca_file);
    return s;
}

TEST(url, splits_https_and_allows_plain_http_only_on_loopback) {
    const auto slack = http::parse_url("https://slack.com/api/chat.postMessage?x=1");
    ASSERT_TRUE(slack.value) << slack.error;
    EXPECT_TRUE(slack.value->tls);
    EXPECT_EQ(slack.value->host, "slack.com");
    EXPECT_EQ(slack.value->port, 443);
    EXPECT_EQ(slack.value->target, "/api/chat.postMessage?x=1");

    const auto local = http::parse_url("http://127.0.0.1:8089");
    ASSERT_TRUE(local.value) << local.error;
    EXPECT_EQ(local.value->port, 8089);
    EXPECT_EQ(local.value->target, "/");
    EXPECT_TRUE(http::parse_url("http://[::1]:9/x").value);

    EXPECT_EQ(
        http::parse_url("http://slack.com/api").error,
        "plain http:// is allowed only for loopback hosts; use https://"
    );
    EXPECT_FALSE(http::parse_url("https://user:pw@example.com/").value);
    EXPECT_FALSE(http::parse_url("https://example.com:99999/").value);
    EXPECT_FALSE(http::parse_url("ftp://example.com/").value);
    EXPECT_EQ(
        http::join_url("http://127.0.0.1:1/api/", "/chat.update"),
        "http://127.0.0.1:1/api/chat.update"
    );
}

TEST(retry_after, reads_delta_seconds_only) {
    EXPECT_EQ(http::parse_retry_after("30"), 30s);
    EXPECT_EQ(http::parse_retry_after(" 2 "), 2s);
    EXPECT_FALSE(http::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    EXPECT_FALSE(http::parse_retry_after("-1"));
}

TEST(http_client, sends_the_request_and_reuses_the_connection) {
    tests::fake_http_server api([](const auto& req) {
        return http_response::json(201, R"({"echo":")" + req.body + R"("})");
    });
    http::client client;
    for (int i = 0; i < 3; ++i) {
        auto r = call("POST", api.base_url() + "/v1/things?n=" + std::to_string(i));
        r.headers = {{"Authorization", "Bearer t0ken"}, {"Content-Type", "text/plain"}};
        r.body = "b" + std::to_string(i);
        const auto reply = client.send(r);
        EXPECT_EQ(reply.status, 201);
        EXPECT_EQ(reply.body, R"({"echo":"b)" + std::to_string(i) + R"("})");
        EXPECT_EQ(reply.header("content-type"), "application/json");
    }
    EXPECT_EQ(client.connections_opened(), 1U);
    const auto seen = api.received();
    ASSERT_EQ(seen.size(), 3U);
    EXPECT_EQ(seen[2].method, "POST");
    EXPECT_EQ(seen[2].target, "/v1/things?n=2");
    EXPECT_EQ(seen[2].header("authorization"), "Bearer t0ken");
    EXPECT_EQ(seen[2].header("host"), "127.0.0.1:" + std::to_string(api.port()));
}

TEST(http_client, waits_out_a_429_and_its_retry_after) {
    std::atomic<int> calls{0};
    tests::fake_http_server api([&](const auto&) {
        if (calls++ == 0) {
            auto r = http_response::json(429, R"({"ok":false,"error":"ratelimited"})");
            r.headers.emplace_back("Retry-After", "1");
            return r;
        }
        return http_response::json(200, R"({"ok":true})");
    });
    http::client client;
    const auto start = std::chrono::steady_clock::now();
    const auto reply = client.send(call("POST", api.base_url() + "/api/x"));
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.attempts, 2);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST(http_client, hands_back_a_429_whose_wait_is_too_long_for_a_worker) {
    tests::fake_http_server api([](const auto&) {
        auto r = http_response::json(429, "{}");
        r.headers.emplace_back("Retry-After", "3600");
        return r;
    });
    http::client client;
    const auto reply = client.send(call("GET", api.base_url() + "/", true));
    EXPECT_EQ(reply.status, 429);
    EXPECT_EQ(reply.attempts, 1);
    EXPECT_EQ(api.received().size(), 1U);
}

TEST(http_client, retries_server_errors_only_when_sending_twice_is_harmless) {
    std::atomic<int> calls{0};
    tests::fake_http_server api([&](const auto&) {
        return calls++ < 2 ? http_response::json(503, "{}") : http_response::json(200, "{}");
    });
    http::client client(quick());
    const auto post = client.send(call("POST", api.base_url() + "/charge"));
    EXPECT_EQ(post.status, 503);
    EXPECT_EQ(post.attempts, 1);
    const auto get = client.send(call("GET", api.base_url() + "/", true));
    EXPECT_EQ(get.status, 200);
    EXPECT_EQ(get.attempts, 2);
}

TEST(http_client, a_refused_connection_is_retried_then_reported) {
    http::client client(quick(2));
    const auto url = "http://127.0.0.1:" + std::to_string(tests::free_port()) + "/";
    try {
        (void)client.send(call("POST", url));
        FAIL() << "expected transport_error";
    } catch (const http::transport_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("after 2 attempts"), std::string::npos) << e.what();
    }
}

TEST(http_client, a_slow_reply_times_out_and_a_post_is_not_sent_twice) {
    tests::fake_http_server api([](const auto&) {
        std::this_thread::sleep_for(1500ms);
        return http_response::json(200, "{}");
    });
    http::client client(quick(4, 300ms));
    try {
        (void)client.send(call("POST", api.base_url() + "/slow"));
        FAIL() << "expected transport_error";
    } catch (const http::transport_error& e) {
        EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not retried"), std::string::npos) << e.what();
    }
    EXPECT_EQ(api.received().size(), 1U);
}

// The answer to a POST on a kept-alive connection is lost after the server acted. That looks
// like a connection the server had closed while idle, but the POST must not go out again.
TEST(http_client, a_post_whose_answer_is_lost_on_a_reused_connection_is_not_sent_again) {
    tests::fake_http_server api([](const auto&) { return http_response::json(200, "{}"); });
    tests::dropping_proxy network(tests::port_of(api.base_url()));
    network.drop_answers(1, 1);
    http::client client(quick());
    EXPECT_EQ(client.send(call("GET", network.base_url() + "/first")).status, 200);
    EXPECT_THROW(
        (void)client.send(call("POST", network.base_url() + "/act")), http::transport_error
    );
    EXPECT_EQ(api.received().size(), 2U) << "GET once, POST once";
    EXPECT_EQ(client.connections_opened(), 1U);

    // A GET is safe to repeat: the same loss is retried at once.
    network.drop_answers(1, 1);
    EXPECT_EQ(client.send(call("GET", network.base_url() + "/a")).status, 200);
    EXPECT_EQ(client.send(call("GET", network.base_url() + "/b", true)).status, 200);
    EXPECT_EQ(api.received().size(), 5U) << "the lost GET went out twice";
}

TEST(http_client, rejects_plain_http_to_a_remote_host_before_connecting) {
    http::client client;
    EXPECT_THROW((void)client.send(call("GET", "http://example.com/")), std::invalid_argument);
}

// A TLS server with a self-signed certificate for `name`.
struct tls_server {
    std::string dir;
    std::uint16_t port = tests::free_port();
    std::unique_ptr<tests::child_process> process;

    explicit tls_server(const std::string& name) {
        dir = std::filesystem::path(tests::write_temp_file("tls-dir-marker", "")).parent_path();
        const auto [rc, out] = tests::run_to_end(
            "/usr/bin/openssl",
            {"req",
             "-x509",
             "-newkey",
             "rsa:2048",
             "-nodes",
             "-days",
             "1",
             "-subj",
             "/CN=" + name,
             "-addext",
             "subjectAltName=DNS:" + name,
             "-keyout",
             dir + "/key.pem",
             "-out",
             dir + "/cert.pem"}
        );
        if (rc != 0) {
            throw std::runtime_error("openssl req failed: " + out);
        }
        process = std::make_unique<tests::child_process>(
            "/usr/bin/openssl",
            std::vector<std::string>{
                "s_server",
                "-accept",
                "127.0.0.1:" + std::to_string(port),
                "-cert",
                dir + "/cert.pem",
                "-key",
                dir + "/key.pem",
                "-www",
                "-quiet"}
        );
        for (int i = 0; i < 100; ++i) {
            try {
                tests::http_connection probe(port);
                return;
            } catch (const std::exception&) {
                std::this_thread::sleep_for(50ms);
            }
        }
        throw std::runtime_error("openssl s_server did not start: " + process->output());
    }
};

TEST(http_client, verifies_the_certificate_chain_and_the_host_name) {
    tls_server server("localhost");
    const auto url = "https://localhost:" + std::to_string(server.port) + "/";
    {
        http::client untrusting(quick(1));
        try {
            (void)untrusting.send(call("GET", url, true));
            FAIL() << "a self-signed certificate must not be trusted";
        } catch (const http::transport_error& e) {
            EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos)
                << e.what();
        }
    }
    http::client trusting(quick(1, 15s, server.dir + "/cert.pem"));
    EXPECT_EQ(trusting.send(call("GET", url, true)).status, 200);
    // The same trusted certificate, reached under a name it does not carry.
    const auto by_ip = "https://127.0.0.1:" + std::to_string(server.port) + "/";
    EXPECT_THROW((void)trusting.send(call("GET", by_ip, true)), http::transport_error);
}

}  // namespace
}  // namespace refundbot
