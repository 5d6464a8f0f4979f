#pragma once

#include "pipeline/policy/policy.hpp"
#include "pipeline/quality/replay.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// Which recorded requests a replay reads: received in [since, until), from one source.
struct replay_filter {
    std::optional<std::string> since;  ///< RFC 3339 or YYYY-MM-DD (UTC midnight)
    std::optional<std::string> until;
    std::optional<std::string> source;
};

struct replay_scan {
    std::int64_t read = 0;
    std::int64_t skipped_without_context = 0;  ///< decided before decisions kept their context
    std::vector<std::string> unreadable;       ///< stored rows that no longer parse, by id
};

/// Reads every decided request matching `filter`, oldest first, with the enrichment stored
/// with its decision, its route and reasons, the last human decision and whether the order
/// was disputed later, and hands each to `each`. Runs in one READ ONLY transaction (the
/// database refuses any write in it) and fetches in batches, so memory stays flat.
replay_scan for_each_recorded_case(
    pqxx::connection_base& cx,
    const replay_filter& filter,
    const std::function<void(pipeline::quality::recorded_case&&)>& each
);

/// The agreement records of the decisions taken in [from, to) (timestamptz text).
void tally_agreement(
    pqxx::transaction_base& tx,
    const std::string& from,
    const std::string& to,
    pipeline::quality::agreement_tally& tally
);

/// The agreement over the decisions of the last `window`, for the metrics.
[[nodiscard]] pipeline::quality::agreement_tally agreement_since(
    pqxx::connection_base& cx, std::chrono::seconds window
);

/// Audits every change of autonomy mode the policy brings: each segment (and "" for the
/// default) whose mode differs from the one last served gets an AUTONOMY_LIVE or
/// AUTONOMY_SHADOW event (AUTONOMY_REMOVED for a segment no longer in the policy) on
/// "autonomy:<segment or default>", with the policy version. @return the events written.
std::vector<std::string> record_autonomy_modes(
    pqxx::connection_base& cx, const pipeline::policy::refund_policy& policy
);

}  // namespace refundbot::adapters::postgres
