#pragma once

#include "adapters/postgres/settings.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// No connection became free within `database_settings::acquire_timeout`.
struct pool_timeout : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct pool_stats {
    std::size_t capacity = 0;
    std::size_t open = 0;     ///< connections currently established
    std::size_t in_use = 0;   ///< leased out right now
    std::size_t waiting = 0;  ///< callers blocked in acquire()
    std::uint64_t acquire_timeouts = 0;
    std::uint64_t dropped_broken = 0;
};

/// A bounded pool of libpqxx connections, connected lazily. A connection that breaks (server
/// restart, network cut) is dropped when its lease ends and replaced by the next acquire, so
/// the service recovers from a PostgreSQL restart without restarting itself.
/// @par Thread safety
/// acquire() and stats() are safe from any thread; a lease is used by one thread at a time
/// (libpqxx's "one connection, one thread" rule).
class connection_pool {
public:
    explicit connection_pool(database_settings settings);
    ~connection_pool();
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    class lease {
    public:
        lease(lease&& other) noexcept;
        lease& operator=(lease&&) = delete;
        ~lease();

        [[nodiscard]] pqxx::connection_base& get() const;
        /// Drop the connection instead of returning it to the pool.
        void mark_broken() noexcept { broken_ = true; }

    private:
        friend class connection_pool;
        struct slot;
        lease(connection_pool* pool, std::unique_ptr<slot> s);
        connection_pool* pool_;
        std::unique_ptr<slot> slot_;
        bool broken_ = false;
    };

    /// Blocks until a connection is free (up to acquire_timeout), connecting if needed.
    /// @throws pool_timeout when none frees up in time; pqxx::broken_connection when a new
    /// connection cannot be established.
    [[nodiscard]] lease acquire();

    [[nodiscard]] pool_stats stats() const;

private:
    struct state;
    void release(std::unique_ptr<lease::slot> s, bool broken) noexcept;
    std::unique_ptr<state> state_;
};

}  // namespace refundbot::adapters::postgres
