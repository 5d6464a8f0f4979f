#include "adapters/postgres/database.hpp"

#include "pipeline/core/redact.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/pqxx>

namespace refundbot::adapters::postgres {

namespace asio = boost::asio;

struct database::impl {
    explicit impl(database_settings s)
        : threads(s.pool_size == 0 ? 1 : s.pool_size), pool(std::move(s)) {}
    asio::thread_pool threads;
    connection_pool pool;
};

database::database(database_settings settings)
    : impl_(std::make_unique<impl>(std::move(settings))) {}

database::~database() {
    stop();
}

void database::stop() {
    impl_->threads.join();
}

// Deliberately not a coroutine: g++ 12 destroys a coroutine's by-value parameters twice when
// an exception leaves its frame, and database errors are routine. The work moves into the
// spawned lambda instead, whose captures asio owns for the whole run.
asio::awaitable<void> database::async_run(std::function<void(pqxx::connection_base&)> work) {
    return asio::co_spawn(
        impl_->threads.get_executor(),
        [&self = *impl_, work = std::move(work)]() -> asio::awaitable<void> {
            auto lease = self.pool.acquire();
            try {
                work(lease.get());
            } catch (const pqxx::broken_connection&) {
                lease.mark_broken();
                throw;
            } catch (...) {
                if (!lease.get().is_open()) {
                    lease.mark_broken();
                }
                throw;
            }
            co_return;
        },
        asio::use_awaitable
    );
}

asio::awaitable<readiness> database::async_check_ready(std::span<const migration> migrations) {
    migration_status status;
    try {
        co_await async_run([&](pqxx::connection_base& cx) {
            status = check_migrations(cx, migrations);
        });
    } catch (const pool_timeout& e) {
        co_return readiness{.ready = false, .reason = std::string("database busy: ") + e.what()};
    } catch (const std::exception& e) {
        co_return readiness{
            .ready = false,
            .reason = "database unavailable: " + pipeline::core::redact(e.what()),
        };
    }
    if (!status.pending.empty()) {
        std::string list;
        for (const auto& m : migrations) {
            for (int v : status.pending) {
                if (v == m.version) {
                    list += (list.empty() ? "" : ", ") + migration_label(m);
                }
            }
        }
        co_return readiness{
            .ready = false,
            .reason = std::to_string(status.pending.size()) + " migration(s) not applied: " + list +
                      " (run `refundbot migrate`)",
        };
    }
    co_return readiness{.ready = true, .reason = "ok"};
}

pool_stats database::stats() const {
    return impl_->pool.stats();
}

}  // namespace refundbot::adapters::postgres
