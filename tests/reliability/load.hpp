#pragma once
// Load for the reliability tests: signed intake requests of three kinds, and retrying senders
// that remember every answer.
#include "tests/support/fake_stripe.hpp"
#include "tests/support/service.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace refundbot::reliability {

using namespace std::chrono_literals;

inline constexpr const char* secret = "whsec_reliability";

enum class kind { auto_approve, review, deny };

inline kind kind_of(int i) {
    return static_cast<kind>(i % 3);
}

inline std::string request_id(const std::string& prefix, int i) {
    return prefix + "-" + std::to_string(i);
}

// Auto-approvable (USD 29, in policy), over the review threshold (USD 350), or final sale.
inline std::string body(const std::string& prefix, int i) {
    const auto id = request_id(prefix, i);
    const char* amount = "29.00";
    const char* final_sale = "false";
    if (kind_of(i) == kind::review) {
        amount = "350.00";
    } else if (kind_of(i) == kind::deny) {
        final_sale = "true";
    }
    return std::string(R"({"request_id":")") + id + R"(","source":"helpdesk","ticket_id":"T-)" +
           id + R"(","customer":{"customer_id":"cus_)" + id + R"("},"order":{"order_id":"ord_)" +
           id + R"(","currency":"USD","total":)" + amount +
           R"(,"items":[{"sku":"SKU-1","category":"apparel","final_sale":)" + final_sale +
           R"(,"price":)" + amount +
           R"(}],"delivered_at":"2026-03-21T10:00:00Z","payment":{"processor":"stripe",)"
           R"("payment_intent_id":"pi_)" +
           id + R"("}},"refund":{"amount_requested":)" + amount +
           R"(,"reason_text":"Wrong size"},"created_at":"2026-03-28T12:03:00Z"})";
}

inline tests::env_list stripe_env(const tests::fake_stripe& stripe) {
    return {
        {"REFUNDBOT_INTAKE_SIGNING_SECRET", secret},
        {"REFUNDBOT_STRIPE_SECRET_KEY", "sk_test_refundbot"},
        {"REFUNDBOT_STRIPE_API_BASE_URL", stripe.base_url()},
        {"REFUNDBOT_STRIPE_RETRY_BACKOFF_MS", "10"},
        {"REFUNDBOT_STRIPE_REQUEST_TIMEOUT_S", "2"},
        {"REFUNDBOT_JOBS_LEASE_S", "1"},
        {"REFUNDBOT_JOBS_POLL_MS", "100"},
        {"REFUNDBOT_DB_ACQUIRE_TIMEOUT_MS", "1000"},
    };
}

// Webhook senders: each request is retried, as a helpdesk retries, until it is acknowledged
// (202 new, 200 redelivery). Remembers every answer so a test can check what was said.
struct senders {
    std::uint16_t port;
    std::string prefix;
    int total;
    std::atomic<int> next{0};
    std::atomic<bool> stopped{false};  ///< set when a test gives up: senders end early
    std::mutex mutex;
    std::set<int> acknowledged;
    std::map<unsigned, int> answers;  ///< status -> count (0: no connection)
    std::vector<std::string> wrong;   ///< 503s without Retry-After, unexpected statuses
    std::vector<std::thread> threads;

    std::chrono::milliseconds pace;  ///< each sender's pause between two requests

    senders(std::uint16_t p, std::string pre, int n, int concurrency, std::chrono::milliseconds gap)
        : port(p), prefix(std::move(pre)), total(n), pace(gap) {
        for (int t = 0; t < concurrency; ++t) {
            threads.emplace_back([this] { run(); });
        }
    }
    ~senders() { join(); }
    senders(const senders&) = delete;
    senders& operator=(const senders&) = delete;

    /// Ends the senders after their current request, acknowledged or not.
    void stop() {
        stopped = true;
        join();
    }

    void join() {
        for (auto& t : threads) {
            if (t.joinable()) {
                t.join();
            }
        }
    }

    void run() {
        for (int i = next++; i < total && !stopped; i = next++) {
            const auto payload = body(prefix, i);
            for (int attempt = 0;; ++attempt) {
                unsigned status = 0;  // 0: refused or reset, the service is down
                std::string detail;
                try {
                    const auto r = tests::post_signed_request(port, secret, payload);
                    status = r.status;
                    if (status == 503 && !r.headers.contains("retry-after")) {
                        detail = "503 without Retry-After: " + r.body;
                    } else if (status != 200 && status != 202 && status != 503) {
                        detail = std::to_string(status) + ": " + r.body;
                    }
                } catch (const std::exception&) {
                }
                const bool acked = status == 200 || status == 202;
                {
                    std::lock_guard lock(mutex);
                    ++answers[status];
                    if (!detail.empty()) {
                        wrong.push_back(detail);
                    }
                    if (acked) {
                        acknowledged.insert(i);
                    }
                }
                if (acked || !detail.empty() || attempt > 2000 || stopped) {
                    break;
                }
                std::this_thread::sleep_for(20ms);
            }
            std::this_thread::sleep_for(pace);
        }
    }

    [[nodiscard]] bool done() const { return next.load() >= total; }
};

// The end of the service's log, for a failure message.
inline std::string log_tail(const tests::service& svc) {
    const auto out = svc.process->output();
    constexpr std::size_t keep = 6000;
    return out.size() > keep ? out.substr(out.size() - keep) : out;
}

inline std::string ids_sql(const std::string& prefix) {
    return "request_id LIKE '" + prefix + "-%'";
}

}  // namespace refundbot::reliability
