// Crash safety and dependency faults under load: `refundbot serve` is SIGKILLed at random
// moments while requests pour in and refunds execute, and PostgreSQL is stopped under load.
// The loopback Stripe keeps its own ledger across restarts, so "refunded once" is checked
// against what the processor holds, not against our own tables.
#include "tests/support/fake_stripe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace refundbot {
namespace {

using namespace std::chrono_literals;

constexpr const char* secret = "whsec_reliability";

enum class kind { auto_approve, review, deny };

kind kind_of(int i) {
    return static_cast<kind>(i % 3);
}

std::string request_id(const std::string& prefix, int i) {
    return prefix + "-" + std::to_string(i);
}

// Auto-approvable (USD 29, in policy), over the review threshold (USD 350), or final sale.
std::string body(const std::string& prefix, int i) {
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

tests::env_list stripe_env(const tests::fake_stripe& stripe) {
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
std::string log_tail(const tests::service& svc) {
    const auto out = svc.process->output();
    constexpr std::size_t keep = 6000;
    return out.size() > keep ? out.substr(out.size() - keep) : out;
}

std::string ids_sql(const std::string& prefix) {
    return "request_id LIKE '" + prefix + "-%'";
}

TEST(crash_safety, sigkill_under_load_loses_nothing_and_refunds_nothing_twice) {
    constexpr int n = 2000;
    constexpr int min_kills = 10;
    const std::string prefix = "crash";
    tests::scratch_database db;
    tests::fake_stripe stripe;
    for (int i = 0; i < n; ++i) {
        stripe.add_charge(request_id(prefix, i), 35000);
    }
    tests::service svc(db.url(), stripe_env(stripe));

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> pause_ms(50, 500);
    int kills = 0;
    int kills_during_intake = 0;
    {
        // About 400 requests/s offered, so the intake spans several kills.
        senders load(svc.port, prefix, n, 8, 20ms);
        while (kills < min_kills || !load.done()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
            svc.process->signal(SIGKILL);
            ASSERT_TRUE(svc.process->wait(10s).has_value());
            ++kills;
            kills_during_intake += load.done() ? 0 : 1;
            svc.restart();
        }
        load.join();
        ASSERT_TRUE(load.wrong.empty()) << load.wrong.front();
        ASSERT_EQ(load.acknowledged.size(), static_cast<std::size_t>(n));
    }
    EXPECT_GE(kills_during_intake, min_kills / 2);

    // Settled: a terminal state, or waiting for a human.
    const auto unsettled = db.wait_for(
        "SELECT count(*) FROM requests WHERE " + ids_sql(prefix) +
            " AND state NOT IN ('REFUNDED', 'DENIED', 'PENDING_REVIEW')",
        "0",
        180s
    );
    ASSERT_EQ(unsettled, "0") << db.query(
        "SELECT string_agg(state || ':' || c, ' ') FROM (SELECT state, count(*) c FROM requests "
        "GROUP BY state) s"
    );
    EXPECT_EQ(db.query("SELECT count(*) FROM requests WHERE " + ids_sql(prefix)), std::to_string(n))
        << "every acknowledged request is stored";

    std::map<std::string, std::string> state;
    for (int i = 0; i < n; ++i) {
        state[request_id(prefix, i)] = "";
    }
    const auto rows = db.query(
        "SELECT string_agg(request_id || '=' || state, ' ') FROM requests WHERE " + ids_sql(prefix)
    );
    std::istringstream in(rows);
    for (std::string kv; in >> kv;) {
        const auto eq = kv.find('=');
        state[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    std::map<std::string, int> refunds_per_charge;
    for (const auto& r : stripe.refunds()) {
        ++refunds_per_charge[r.charge];
    }
    int refunded = 0;
    for (int i = 0; i < n; ++i) {
        const auto id = request_id(prefix, i);
        const auto expected = kind_of(i) == kind::auto_approve ? "REFUNDED"
                              : kind_of(i) == kind::review     ? "PENDING_REVIEW"
                                                               : "DENIED";
        EXPECT_EQ(state[id], expected) << id;
        const int held = refunds_per_charge["ch_" + id];
        EXPECT_EQ(held, kind_of(i) == kind::auto_approve ? 1 : 0) << "Stripe refunds for " << id;
        refunded += held;
    }
    EXPECT_EQ(static_cast<std::size_t>(refunded), stripe.refunds().size());

    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
    std::cout << "[ crash ] " << kills << " SIGKILLs (" << kills_during_intake
              << " during intake), " << refunded << " refunds\n";
}

TEST(dependency_faults, database_outage_answers_503_with_retry_after_and_loses_nothing) {
    constexpr int n = 600;
    const std::string prefix = "outage";
    tests::scratch_database db;
    tests::fake_stripe stripe;
    for (int i = 0; i < n; ++i) {
        stripe.add_charge(request_id(prefix, i), 35000);
    }
    tests::service svc(db.url(), stripe_env(stripe));
    {
        senders load(svc.port, prefix, n, 4, 10ms);
        std::this_thread::sleep_for(300ms);
        ASSERT_EQ(tests::control_test_cluster("stop"), 0);
        const auto stopped = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(10s);
        const auto acknowledged_while_down = [&] {
            std::lock_guard lock(load.mutex);
            return load.acknowledged.size();
        }();
        ASSERT_EQ(tests::control_test_cluster("start"), 0);
        const auto back = std::chrono::steady_clock::now();
        // Intake works again within 5 s of the database's return.
        std::optional<std::chrono::milliseconds> resumed;
        while (std::chrono::steady_clock::now() - back < 10s) {
            if (const auto exited = svc.process->wait(0ms)) {
                load.stop();
                FAIL() << "refundbot exited with " << *exited << " during the outage:\n"
                       << log_tail(svc);
            }
            {
                std::lock_guard lock(load.mutex);
                if (load.acknowledged.size() > acknowledged_while_down) {
                    resumed = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - back
                    );
                    break;
                }
            }
            std::this_thread::sleep_for(20ms);
        }
        if (!resumed) {
            load.stop();
            std::string pool;  // the connection pool's gauges, when the service still answers
            try {
                std::istringstream metrics(tests::http_get(svc.port, "/metrics").body);
                for (std::string line; std::getline(metrics, line);) {
                    if (line.starts_with("refundbot_db")) {
                        pool += line + "\n";
                    }
                }
            } catch (const std::exception& e) {
                pool = std::string("/metrics failed: ") + e.what();
            }
            FAIL() << "no request acknowledged 10 s after the outage\n"
                   << pool << "service log:\n"
                   << log_tail(svc);
        }
        EXPECT_LE(resumed->count(), 5000);
        EXPECT_GT(std::chrono::steady_clock::now() - stopped, 10s);
        load.join();
        ASSERT_TRUE(load.wrong.empty()) << load.wrong.front();
        EXPECT_GT(load.answers[503], 0) << "the outage was seen as 503";
        ASSERT_EQ(load.acknowledged.size(), static_cast<std::size_t>(n));
        std::cout << "[ outage ] " << load.answers[503] << " answers 503, resumed after "
                  << resumed->count() << " ms\n";
    }
    EXPECT_EQ(
        db.wait_for(
            "SELECT count(*) FROM requests WHERE " + ids_sql(prefix) +
                " AND state IN ('REFUNDED', 'DENIED', 'PENDING_REVIEW')",
            std::to_string(n),
            120s
        ),
        std::to_string(n)
    );
    EXPECT_EQ(
        db.query(
            "SELECT count(*) FROM requests WHERE " + ids_sql(prefix) + " AND state = 'REFUNDED'"
        ),
        std::to_string(stripe.refunds().size())
    );
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace refundbot
