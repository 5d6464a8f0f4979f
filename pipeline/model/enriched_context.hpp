#pragma once

#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace refundbot::pipeline::model {

/// History of the customer, as the enrichment step found it.
struct customer_stats {
    std::int64_t lifetime_orders = 0;
    std::int64_t lifetime_spend = 0;  ///< minor units of the order currency
    std::int64_t refund_count_180d = 0;
    std::int64_t refund_amount_180d = 0;  ///< minor units
    /// Unknown (nullopt) when no dispute source reports on this customer.
    std::optional<std::int64_t> chargeback_count_365d;
    std::optional<std::int64_t> account_age_days;
    std::int64_t requests_24h = 0;  ///< refund requests by this customer in the last 24 h
};

struct carrier_scan {
    std::string status;
    std::optional<core::timestamp> at;
    std::string location;
};

struct delivery_info {
    std::string status = "unknown";  ///< delivered, in_transit, lost, returned, unknown
    std::string carrier;
    std::optional<core::timestamp> delivered_at;
    std::vector<carrier_scan> scans;
};

/// A risk score from outside (the enrichment step or the trigger), kept beside our own.
struct external_risk {
    double risk_score = 0;
    std::vector<std::string> signals;
};

/// A refund already issued (or pending) on the same order: partial refunds add up.
struct prior_refund {
    std::string refund_id;
    std::int64_t amount = 0;  ///< minor units of the order currency
    std::string status;       ///< succeeded, pending, failed, canceled
    std::optional<core::timestamp> created_at;
};

/// The seed's enriched context plus prior refunds on the order. Every field is optional in
/// JSON: an empty context means "nothing known", and rules that need the data say UNKNOWN.
struct enriched_context {
    customer_stats stats;
    bool has_stats = false;
    delivery_info delivery;
    std::optional<external_risk> risk;
    std::vector<prior_refund> prior_refunds;
    /// What enrichment tried and could not find out ("order lookup timed out after 3 s"),
    /// shown to reviewers beside the rules that needed it.
    std::vector<std::string> gaps;

    /// Sum of prior refunds that took money back (succeeded or pending).
    [[nodiscard]] std::int64_t already_refunded() const;
};

/// Parses the context; amounts use the order currency's `exponent`. Reads back exactly what
/// context_json writes, which is how a replay sees the enrichment as it was at decision time.
[[nodiscard]] core::parsed<enriched_context> parse_enriched_context(
    const boost::json::value& v, int exponent
);

}  // namespace refundbot::pipeline::model

namespace refundbot::pipeline::model {

/// The context as JSON in the shape parse_enriched_context reads, gaps included.
[[nodiscard]] std::string context_json(const enriched_context& c, int exponent);

}  // namespace refundbot::pipeline::model
