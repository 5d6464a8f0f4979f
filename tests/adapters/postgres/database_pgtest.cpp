#include "adapters/postgres/database.hpp"
#include "tests/support/test_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <thread>

namespace refundbot::adapters::postgres {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> a) {
    auto f = asio::co_spawn(ioc, std::move(a), asio::use_future);
    ioc.restart();
    ioc.run();
    return f.get();
}

TEST(database, runs_work_off_the_calling_thread_and_resumes_on_it) {
    tests::scratch_database scratch;
    database db(scratch.settings());
    asio::io_context ioc;
    const auto io_thread = std::this_thread::get_id();
    const auto result = run(ioc, [&]() -> asio::awaitable<std::pair<bool, bool>> {
        std::thread::id worked_on;
        int value = 0;
        co_await db.async_run([&](pqxx::connection_base& cx) {
            worked_on = std::this_thread::get_id();
            pqxx::work tx(cx);
            value = tx.exec1("SELECT 41 + 1")[0].as<int>();
            tx.commit();
        });
        co_return std::pair{
            worked_on != io_thread && value == 42, std::this_thread::get_id() == io_thread};
    }());
    EXPECT_TRUE(result.first) << "the query ran on a database thread";
    EXPECT_TRUE(result.second) << "the coroutine resumed on its own thread";
}

TEST(database, a_slow_query_does_not_stall_the_io_thread) {
    tests::scratch_database scratch;
    database db(scratch.settings());
    asio::io_context ioc;
    std::atomic<int> ticks{0};
    // Named, so the coroutines' captures outlive them (a temporary lambda would not).
    auto slow_query = [&]() -> asio::awaitable<void> {
        co_await db.async_run([](pqxx::connection_base& cx) {
            pqxx::nontransaction tx(cx);
            tx.exec("SELECT pg_sleep(0.5)");
        });
    };
    auto ticker = [&]() -> asio::awaitable<void> {
        asio::steady_timer t(ioc);
        for (int i = 0; i < 10; ++i) {
            t.expires_after(20ms);
            co_await t.async_wait(asio::use_awaitable);
            ++ticks;
        }
    };
    asio::co_spawn(ioc, slow_query(), asio::detached);
    asio::co_spawn(ioc, ticker(), asio::detached);
    ioc.run();
    EXPECT_EQ(ticks, 10) << "timers kept firing while the query slept";
}

TEST(database, propagates_sql_errors_to_the_caller) {
    tests::scratch_database scratch;
    database db(scratch.settings());
    asio::io_context ioc;
    EXPECT_THROW(
        run(ioc, db.async_run([](pqxx::connection_base& cx) {
            pqxx::nontransaction tx(cx);
            tx.exec("SELECT * FROM no_such_table");
        })),
        pqxx::undefined_table
    );
    EXPECT_EQ(db.stats().open, 1u) << "an SQL error does not cost the connection";
}

TEST(database, is_ready_only_when_every_migration_is_applied) {
    tests::scratch_database scratch;
    database db(scratch.settings());
    asio::io_context ioc;
    auto r = run(ioc, db.async_check_ready(embedded_migrations()));
    EXPECT_FALSE(r.ready);
    EXPECT_NE(r.reason.find("0001_foundation"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("not applied"), std::string::npos) << r.reason;
    apply_migrations(scratch.settings(), embedded_migrations());
    r = run(ioc, db.async_check_ready(embedded_migrations()));
    EXPECT_TRUE(r.ready) << r.reason;
}

TEST(database, is_not_ready_when_the_server_is_unreachable_and_says_so_without_secrets) {
    database_settings s;
    s.url = "postgresql://refundbot@127.0.0.1:1/none";
    s.password = pipeline::core::secret("hunter2");
    s.connect_timeout = 2s;
    database db(s);
    asio::io_context ioc;
    const auto r = run(ioc, db.async_check_ready(embedded_migrations()));
    EXPECT_FALSE(r.ready);
    EXPECT_TRUE(r.reason.starts_with("database unavailable: ")) << r.reason;
    EXPECT_EQ(r.reason.find("hunter2"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace refundbot::adapters::postgres
