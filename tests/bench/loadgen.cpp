// Open-loop HTTP load generator for tests/bench/run.sh. Requests are due on a fixed schedule
// (request k at start + k / rate) and latency is measured from when a request was due, not
// when it was sent, so a slow server cannot hide its queueing (coordinated omission). With
// --rate 0 it runs closed-loop: every connection sends as fast as answers come back.
//
// Every request is signed as the real sender signs it:
//   intake  POST /webhooks/requests, X-Refundbot-Signature, unique request and event ids
//   slack   POST /slack/interactions, a signed block_actions click (X-Slack-Signature)
//
// Prints one JSON object: sent, answered, status counts, elapsed, throughput, percentiles.
#include "adapters/http/url.hpp"
#include "bot/handlers/slack_request.hpp"
#include "bot/handlers/webhook_signature.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
    std::uint16_t port = 0;
    std::string mode = "intake";
    double rate = 0;  // requests per second; 0 = closed loop
    double duration_s = 10;
    long long max_requests = -1;  // stop after this many (-1: duration only)
    int connections = 64;
    std::string secret;
    std::string prefix = "bench";
    long long first = 0;     // the first request number (ids are <prefix>-<n>)
    std::string user;        // slack: who clicks
    std::string target_ids;  // slack: the request ids clicked, round robin (prefix-0..N-1)
    long long targets = 100;
    std::string response_base = "http://127.0.0.1:1/response/";  // slack: response_url prefix
};

std::string intake_body(const options& o, long long n) {
    const auto id = o.prefix + "-" + std::to_string(n);
    // An in-policy, low-risk request for a new customer: the default policy auto-approves it.
    return R"({"request_id":")" + id + R"(","source":"helpdesk","ticket_id":"T-)" + id +
           R"(","customer":{"customer_id":"cus_)" + id +
           R"(","email":"buyer@example.com"},"order":{"order_id":"ord_)" + id +
           R"(","currency":"USD","total":29.00,"items":[{"sku":"TSHIRT-001","category":"apparel",)"
           R"("final_sale":false,"price":29.00}],"delivered_at":"2026-03-21T10:00:00Z",)"
           R"("payment":{"processor":"stripe","payment_intent_id":"pi_)" +
           id +
           R"("}},"refund":{"amount_requested":29.00,"reason_text":"Wrong size"},)"
           R"("metadata":{"ip_country":"US"},"created_at":"2026-03-28T12:03:00Z"})";
}

std::string click_body(const options& o, long long n) {
    const auto target = o.prefix + "-" + std::to_string(n % o.targets);
    const json::object payload{
        {"type", "block_actions"},
        {"user", {{"id", o.user}, {"username", o.user}}},
        {"trigger_id", "1." + std::to_string(n)},
        {"response_url", o.response_base + std::to_string(n)},
        {"container", {{"type", "message"}, {"channel_id", "CREVIEW"}, {"message_ts", "1.1"}}},
        {"actions",
         json::array{json::object{
             {"action_id", "refund_approve"},
             {"block_id", "refund_" + target},
             {"value", target},
             {"type", "button"},
             {"action_ts", std::to_string(n) + ".000001"}}}}};
    return "payload=" + refundbot::adapters::http::form_escape(json::serialize(payload));
}

http::request<http::string_body> make_request(const options& o, long long n) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()
    )
                         .count();
    http::request<http::string_body> req;
    req.version(11);
    req.method(http::verb::post);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (o.mode == "slack") {
        req.target("/slack/interactions");
        req.body() = click_body(o, n);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.set("X-Slack-Request-Timestamp", std::to_string(now));
        req.set(
            "X-Slack-Signature",
            refundbot::bot::handlers::sign_slack_request(o.secret, now, req.body())
        );
    } else {
        req.target("/webhooks/requests");
        req.body() = intake_body(o, n);
        req.set(http::field::content_type, "application/json");
        req.set(
            "X-Refundbot-Signature",
            refundbot::bot::handlers::sign_refundbot_request(o.secret, now, req.body())
        );
    }
    req.prepare_payload();
    return req;
}

struct run_state {
    const options& opt;
    clock_type::time_point start;
    clock_type::time_point stop_at;
    long long next = 0;
    long long sent = 0;
    std::vector<double> latencies_ms;
    std::map<unsigned, long long> statuses;
    long long transport_errors = 0;
    clock_type::time_point last_answer;
};

asio::awaitable<void> connection(run_state& st) {
    auto ex = co_await asio::this_coro::executor;
    const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), st.opt.port);
    asio::steady_timer timer(ex);
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    for (;;) {
        const long long k = st.next;
        if (st.opt.max_requests >= 0 && k >= st.opt.max_requests) {
            co_return;
        }
        clock_type::time_point due = clock_type::now();
        if (st.opt.rate > 0) {
            due = st.start + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(static_cast<double>(k) / st.opt.rate)
                             );
        }
        if (due >= st.stop_at) {
            co_return;
        }
        ++st.next;
        if (due > clock_type::now()) {
            timer.expires_at(due);
            co_await timer.async_wait(asio::use_awaitable);
        }
        auto req = make_request(st.opt, st.opt.first + k);
        ++st.sent;
        try {
            if (!stream) {
                stream.emplace(ex);
                stream->expires_after(std::chrono::seconds(10));
                co_await stream->async_connect(ep, asio::use_awaitable);
                buffer.clear();
            }
            stream->expires_after(std::chrono::seconds(10));
            co_await http::async_write(*stream, req, asio::use_awaitable);
            http::response<http::string_body> res;
            co_await http::async_read(*stream, buffer, res, asio::use_awaitable);
            const auto now = clock_type::now();
            st.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - due).count());
            ++st.statuses[res.result_int()];
            st.last_answer = now;
            if (!res.keep_alive()) {
                stream.reset();
            }
        } catch (const boost::system::system_error&) {
            ++st.transport_errors;
            stream.reset();
        }
    }
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) {
        return 0;
    }
    const auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
    return v[idx];
}

bool parse(int argc, char** argv, options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const std::string v = argv[i + 1];
        if (k == "--port") {
            o.port = static_cast<std::uint16_t>(std::stoi(v));
        } else if (k == "--mode") {
            o.mode = v;
        } else if (k == "--rate") {
            o.rate = std::stod(v);
        } else if (k == "--duration") {
            o.duration_s = std::stod(v);
        } else if (k == "--requests") {
            o.max_requests = std::stoll(v);
        } else if (k == "--connections") {
            o.connections = std::stoi(v);
        } else if (k == "--secret") {
            o.secret = v;
        } else if (k == "--prefix") {
            o.prefix = v;
        } else if (k == "--first") {
            o.first = std::stoll(v);
        } else if (k == "--user") {
            o.user = v;
        } else if (k == "--response-base") {
            o.response_base = v;
        } else if (k == "--targets") {
            o.targets = std::stoll(v);
        } else {
            std::cerr << "loadgen: unknown option " << k << "\n";
            return false;
        }
    }
    if (o.port == 0 || o.secret.empty() || (o.mode != "intake" && o.mode != "slack") ||
        (o.mode == "slack" && o.user.empty())) {
        std::cerr << "usage: loadgen --port P --secret S [--mode intake|slack] [--rate R] "
                     "[--duration S] [--requests N] [--connections C] [--prefix ID] [--first N] "
                     "[--user U --targets N --response-base URL]\n";
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    if (!parse(argc, argv, opt)) {
        return 2;
    }
    asio::io_context ioc(1);
    run_state st{opt, clock_type::now(), {}, 0, 0, {}, {}, 0, {}};
    st.stop_at = st.start + std::chrono::duration_cast<clock_type::duration>(
                                std::chrono::duration<double>(opt.duration_s)
                            );
    st.latencies_ms.reserve(1 << 20);
    for (int c = 0; c < opt.connections; ++c) {
        asio::co_spawn(ioc, connection(st), asio::detached);
    }
    ioc.run();
    const double elapsed = std::chrono::duration<double>(st.last_answer - st.start).count();
    const auto answered = static_cast<long long>(st.latencies_ms.size());
    json::object statuses;
    for (const auto& [code, n] : st.statuses) {
        statuses[std::to_string(code)] = n;
    }
    json::object out{
        {"mode", opt.mode},
        {"offered_rate", opt.rate},
        {"connections", opt.connections},
        {"sent", st.sent},
        {"answered", answered},
        {"transport_errors", st.transport_errors},
        {"statuses", statuses},
        {"elapsed_s", elapsed},
        {"throughput", elapsed > 0 ? static_cast<double>(answered) / elapsed : 0.0},
        {"p50_ms", percentile(st.latencies_ms, 50)},
        {"p90_ms", percentile(st.latencies_ms, 90)},
        {"p99_ms", percentile(st.latencies_ms, 99)},
        {"max_ms", percentile(st.latencies_ms, 100)}};
    std::cout << json::serialize(out) << "\n";
    return 0;
}
