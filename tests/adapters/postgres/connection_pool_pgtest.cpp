#include "adapters/postgres/connection_pool.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <thread>

namespace refundbot::adapters::postgres {
namespace {

using namespace std::chrono_literals;

int backend_pid(pqxx::connection_base& cx) {
    pqxx::nontransaction tx(cx);
    return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

// The backend behind the connection the pool hands out next, returned to the pool afterwards.
int pooled_backend_pid(connection_pool& pool) {
    auto lease = pool.acquire();
    return backend_pid(lease.get());
}

TEST(connection_pool, reuses_a_returned_connection) {
    tests::scratch_database db;
    connection_pool pool(db.settings());
    const int first = pooled_backend_pid(pool);
    auto lease = pool.acquire();
    EXPECT_EQ(backend_pid(lease.get()), first);
    EXPECT_EQ(pool.stats().open, 1u);
}

TEST(connection_pool, applies_the_statement_timeout) {
    tests::scratch_database db;
    auto s = db.settings();
    s.statement_timeout = 150ms;
    connection_pool pool(s);
    auto lease = pool.acquire();
    pqxx::nontransaction tx(lease.get());
    EXPECT_THROW(tx.exec("SELECT pg_sleep(2)"), pqxx::sql_error);
}

TEST(connection_pool, is_bounded_and_times_out_when_exhausted) {
    tests::scratch_database db;
    auto s = db.settings();
    s.pool_size = 2;
    s.acquire_timeout = 200ms;
    connection_pool pool(s);
    auto a = pool.acquire();
    auto b = pool.acquire();
    EXPECT_EQ(pool.stats().in_use, 2u);
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_THROW((void)pool.acquire(), pool_timeout);
    EXPECT_GE(std::chrono::steady_clock::now() - begin, 200ms);
    EXPECT_EQ(pool.stats().acquire_timeouts, 1u);
    EXPECT_EQ(pool.stats().open, 2u);
}

TEST(connection_pool, a_waiter_gets_the_next_connection_released) {
    tests::scratch_database db;
    auto s = db.settings();
    s.pool_size = 1;
    s.acquire_timeout = 5s;
    connection_pool pool(s);
    std::optional<connection_pool::lease> held(pool.acquire());
    std::thread releaser([&] {
        std::this_thread::sleep_for(100ms);
        held.reset();
    });
    auto next = pool.acquire();
    releaser.join();
    EXPECT_EQ(pool.stats().open, 1u);
}

TEST(connection_pool, replaces_a_connection_the_server_killed) {
    tests::scratch_database db;
    connection_pool pool(db.settings());
    const int victim = pooled_backend_pid(pool);
    db.query("SELECT pg_terminate_backend(" + std::to_string(victim) + ")");
    {
        auto lease = pool.acquire();
        EXPECT_ANY_THROW(backend_pid(lease.get()));
        lease.mark_broken();
    }
    auto lease = pool.acquire();
    EXPECT_NE(backend_pid(lease.get()), victim);
    EXPECT_EQ(pool.stats().dropped_broken, 1u);
    EXPECT_EQ(pool.stats().open, 1u);
}

TEST(connection_pool, reports_an_unreachable_server) {
    database_settings s;
    s.url = "postgresql://refundbot@127.0.0.1:1/none";
    s.connect_timeout = 2s;
    connection_pool pool(s);
    EXPECT_THROW((void)pool.acquire(), pqxx::broken_connection);
    EXPECT_EQ(pool.stats().open, 0u) << "a failed connect gives its place back";
    EXPECT_EQ(pool.stats().in_use, 0u);
}

}  // namespace
}  // namespace refundbot::adapters::postgres
