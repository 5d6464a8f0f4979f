#pragma once

#include "adapters/postgres/settings.hpp"
#include "pipeline/workflow/audit_record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
class connection_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// Appends `record` to the hash chain inside `tx` (the caller's transaction, so the event
/// commits with the change it describes). Serialized across all writers by a transaction-level
/// advisory lock; fills in audit_id and occurred_at when empty.
/// @return the row's hash.
std::string append_audit(pqxx::transaction_base& tx, pipeline::workflow::audit_record record);

/// Appends `records` in order, under one lock and in one statement (group commit of intakes).
/// @return the last row's hash; empty when `records` is empty.
std::string append_audit(
    pqxx::transaction_base& tx, std::vector<pipeline::workflow::audit_record> records
);

/// The outcome of walking the whole chain.
struct chain_check {
    bool intact = true;
    std::int64_t rows = 0;
    std::optional<std::string> broken_audit_id;  ///< the first row that does not verify
    std::string reason;
};

/// Recomputes every hash in order. Names the first row whose content no longer matches its
/// hash (edited) or whose prev_hash is not its predecessor's hash (removed or reordered rows).
[[nodiscard]] chain_check verify_audit_chain(pqxx::connection_base& cx);

/// The events of one request, in order.
[[nodiscard]] std::vector<pipeline::workflow::audit_record> audit_trail(
    pqxx::connection_base& cx, const std::string& request_id
);

}  // namespace refundbot::adapters::postgres
