#include "adapters/postgres/connection_pool.hpp"

#include <pqxx/pqxx>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace refundbot::adapters::postgres {

struct connection_pool::lease::slot {
    std::unique_ptr<pqxx::connection> cx;
};

struct connection_pool::state {
    database_settings settings;
    std::string conninfo;
    mutable std::mutex mutex;
    std::condition_variable freed;
    std::vector<std::unique_ptr<lease::slot>> idle;
    std::size_t open = 0;
    std::size_t in_use = 0;
    std::size_t waiting = 0;
    std::uint64_t acquire_timeouts = 0;
    std::uint64_t dropped_broken = 0;
};

connection_pool::connection_pool(database_settings settings) : state_(std::make_unique<state>()) {
    state_->conninfo = connection_string(settings);
    state_->settings = std::move(settings);
}

connection_pool::~connection_pool() = default;

connection_pool::lease connection_pool::acquire() {
    auto& s = *state_;
    std::unique_lock lock(s.mutex);
    ++s.waiting;
    const bool available = s.freed.wait_for(lock, s.settings.acquire_timeout, [&] {
        return !s.idle.empty() || s.open < s.settings.pool_size;
    });
    --s.waiting;
    if (!available) {
        ++s.acquire_timeouts;
        throw pool_timeout(
            "no database connection free within " +
            std::to_string(s.settings.acquire_timeout.count()) + " ms (pool size " +
            std::to_string(s.settings.pool_size) + ")"
        );
    }
    if (!s.idle.empty()) {
        auto slot = std::move(s.idle.back());
        s.idle.pop_back();
        ++s.in_use;
        return lease(this, std::move(slot));
    }
    // Reserve the place before connecting, without the lock: connecting can take up to
    // connect_timeout and must not block other callers.
    ++s.open;
    ++s.in_use;
    lock.unlock();
    try {
        auto slot = std::make_unique<lease::slot>();
        slot->cx = std::make_unique<pqxx::connection>(s.conninfo);
        if (s.settings.statement_timeout.count() > 0) {
            pqxx::nontransaction tx(*slot->cx);
            tx.exec(
                "SET statement_timeout = " + std::to_string(s.settings.statement_timeout.count())
            );
        }
        return lease(this, std::move(slot));
    } catch (...) {
        lock.lock();
        --s.open;
        --s.in_use;
        s.freed.notify_one();
        throw;
    }
}

void connection_pool::release(std::unique_ptr<lease::slot> slot, bool broken) noexcept {
    auto& s = *state_;
    const bool keep = !broken && slot->cx && slot->cx->is_open();
    std::unique_ptr<lease::slot> doomed;
    {
        std::lock_guard lock(s.mutex);
        --s.in_use;
        if (keep) {
            s.idle.push_back(std::move(slot));
        } else {
            --s.open;
            ++s.dropped_broken;
            doomed = std::move(slot);
        }
    }
    s.freed.notify_one();
    // Closing a dead connection may block on the socket; do it outside the lock.
    doomed.reset();
}

pool_stats connection_pool::stats() const {
    const auto& s = *state_;
    std::lock_guard lock(s.mutex);
    return {
        .capacity = s.settings.pool_size,
        .open = s.open,
        .in_use = s.in_use,
        .waiting = s.waiting,
        .acquire_timeouts = s.acquire_timeouts,
        .dropped_broken = s.dropped_broken,
    };
}

connection_pool::lease::lease(connection_pool* pool, std::unique_ptr<slot> s)
    : pool_(pool), slot_(std::move(s)) {}

connection_pool::lease::lease(lease&& other) noexcept
    : pool_(other.pool_), slot_(std::move(other.slot_)), broken_(other.broken_) {}

connection_pool::lease::~lease() {
    if (slot_) {
        pool_->release(std::move(slot_), broken_);
    }
}

pqxx::connection_base& connection_pool::lease::get() const {
    return *slot_->cx;
}

}  // namespace refundbot::adapters::postgres
