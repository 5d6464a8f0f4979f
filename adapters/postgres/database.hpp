#pragma once

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/settings.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>

namespace refundbot::adapters::postgres {

/// Whether the database can serve requests right now, and if not, why (for /readyz).
struct readiness {
    bool ready = false;
    std::string reason;
};

/// The service's handle on PostgreSQL: a connection pool plus a dedicated thread pool that
/// runs the blocking libpqxx calls, so coroutines on the I/O threads `co_await` database work
/// without ever blocking an I/O thread.
/// @par Thread safety
/// Safe to use from any thread or coroutine.
class database {
public:
    explicit database(database_settings settings);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    /// Runs `work` on a database thread with a pooled connection and resumes the caller on
    /// its own executor. Exceptions from `work` and from the pool propagate to the caller; a
    /// connection that broke meanwhile is dropped, not reused.
    boost::asio::awaitable<void> async_run(std::function<void(pqxx::connection_base&)> work);

    /// Answers for /readyz: the server responds and none of `migrations` is pending. Never
    /// throws; the reason is safe to show (no connection string, no password).
    boost::asio::awaitable<readiness> async_check_ready(std::span<const migration> migrations);

    [[nodiscard]] pool_stats stats() const;

    /// Waits for running database work to finish; later calls fail. Called on shutdown.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace refundbot::adapters::postgres
