// Crash safety and dependency faults under load: `refundbot serve` is SIGKILLed at random
// moments while requests pour in and refunds execute, and PostgreSQL is stopped under load.
// The loopback Stripe keeps its own ledger across restarts, so "refunded once" is checked
// against what the processor holds, not against our own tables.
#include "tests/reliability/load.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <random>
#include <sstream>

namespace refundbot::reliability {
namespace {

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
}  // namespace refundbot::reliability
