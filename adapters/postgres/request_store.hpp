#pragma once

#include "adapters/postgres/database.hpp"
#include "pipeline/model/refund_request.hpp"

#include <boost/asio/awaitable.hpp>

#include <stdexcept>
#include <string>

namespace pqxx {
class connection_base;
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

/// Durable storage of refund requests.
/// @par Thread safety
/// Safe to use from any coroutine; work runs on the database's thread pool.
class request_store {
public:
    explicit request_store(database& db) : db_(db) {}

    /// Stores `request` as RECEIVED together with its REQUEST_RECEIVED audit event, in one
    /// transaction, and returns only after the commit. A redelivery of the same source event
    /// (also concurrent ones) returns the stored request with `duplicate` set and changes
    /// nothing. `payload_json` is the normalized request as received (it holds PII and lives
    /// only in the requests table).
    /// @throws request_id_conflict; database errors as thrown by libpqxx.
    boost::asio::awaitable<intake_outcome> async_intake(
        const pipeline::model::refund_request& request,
        const std::string& source_event_id,
        const std::string& payload_json
    );

private:
    static void store(
        pqxx::connection_base& cx,
        const pipeline::model::refund_request& request,
        const std::string& source_event_id,
        const std::string& payload_json,
        intake_outcome& out
    );
    database& db_;
};

}  // namespace refundbot::adapters::postgres
