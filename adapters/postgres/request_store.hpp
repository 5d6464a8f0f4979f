#pragma once

#include "adapters/postgres/database.hpp"
#include "pipeline/model/refund_request.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// What intake did with a request.
struct intake_outcome {
    std::string request_id;
    std::string state;
    bool duplicate = false;  ///< the same (source, source_event_id) was stored before; nothing new
};

/// The request id is already taken by a different source event.
struct request_id_conflict : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Durable storage of refund requests, with group commit: intakes that arrive while a
/// transaction is being written wait and are then written together, one transaction and one
/// WAL flush for the whole batch, and each is answered only after that commit.
/// @par Thread safety
/// Safe to use from any coroutine; work runs on the database's thread pool.
class request_store {
public:
    explicit request_store(database& db) : db_(db) {}

    /// Stores `request` as RECEIVED together with its REQUEST_RECEIVED audit event and its
    /// decide job, and returns only after the commit. A redelivery of the same source event
    /// (also concurrent ones, also in the same batch) returns the stored request with
    /// `duplicate` set and changes nothing. `payload_json` is the normalized request as
    /// received (it holds PII and lives only in the requests table).
    /// @throws request_id_conflict; database errors as thrown by libpqxx.
    boost::asio::awaitable<intake_outcome> async_intake(
        const pipeline::model::refund_request& request,
        const std::string& source_event_id,
        const std::string& payload_json
    );

    /// Intakes written in one transaction at most.
    static constexpr std::size_t max_batch = 256;
    /// Transactions in flight at once. One: every batch appends to the audit chain, whose
    /// lock serializes writers anyway (two measured slower than one).
    static constexpr std::size_t max_writers = 1;

private:
    struct pending;
    boost::asio::awaitable<void> write_batches();
    static void store(pqxx::connection_base& cx, const std::vector<pending*>& batch);
    static void write(pqxx::transaction_base& tx, const std::vector<pending*>& batch);

    database& db_;
    std::mutex mutex_;
    std::vector<std::shared_ptr<pending>> queue_;
    std::size_t writers_ = 0;
};

}  // namespace refundbot::adapters::postgres
