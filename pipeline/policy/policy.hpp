#pragma once

#include "pipeline/core/json_reader.hpp"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::policy {

/// How items in the "policy nuances" categories are handled.
enum class nuance_mode {
    allow,        ///< refundable like any other item
    review_only,  ///< always goes to a human
    deny,         ///< not refundable: a hard block
};

/// Weights of the risk signals (see the README's risk formula); each signal's value is in
/// [0, 1] and the score is min(1, sum of weight * value).
struct risk_weights {
    double chargebacks = 0.35;
    double refund_count = 0.10;
    double refund_amount = 0.10;
    double new_account = 0.05;
    double velocity = 0.10;
    double amount_ratio = 0.05;
    double country_mismatch = 0.10;
    double high_risk_region = 0.15;
    double chargeback_threat = 0.25;
    double missing_evidence = 0.10;
};

/// Limits on money leaving per rolling 24 hours, in the policy currency; 0 means no cap. An
/// automatic approval that would cross one goes to a human instead of executing.
struct execution_caps {
    std::int64_t per_customer_daily = 0;
    std::int64_t global_daily = 0;
};

/// Whether the bot acts on its own route (live) or only records it while a human decides every
/// case (shadow).
enum class autonomy_mode { live, shadow };

[[nodiscard]] std::string_view to_string(autonomy_mode m);  ///< "live", "shadow"

/// A slice of the traffic whose mode is set on its own; an empty list matches everything.
struct autonomy_segment {
    std::string name;
    std::vector<std::string> categories;    ///< item categories (see approval/autonomy.hpp)
    std::vector<std::string> amount_bands;  ///< names of the policy's amount bands
    std::vector<std::string> sources;       ///< zendesk, shopify, stripe, helpdesk
    autonomy_mode mode = autonomy_mode::live;
};

/// Graduated autonomy: the default mode, the segments that differ from it, and the bar a
/// segment's shadow record must clear before it is recommended for going live.
struct autonomy_settings {
    autonomy_mode mode = autonomy_mode::live;
    /// Upper edges of the amount bands, ascending, in minor units of the policy currency.
    std::vector<std::int64_t> amount_bands;
    std::vector<autonomy_segment> segments;  ///< the first match decides
    double agreement_floor = 0.95;
    std::int64_t min_cases = 50;
};

/// The versioned refund policy: the source of truth the AI may never override. Amounts are
/// minor units of `currency`; a request in another currency cannot be compared with them and
/// never auto-approves.
struct refund_policy {
    std::string policy_version;
    std::string currency = "USD";
    int exponent = 2;
    std::int64_t refund_window_days = 30;
    std::vector<std::string> non_refundable_categories;
    std::int64_t auto_approve_max_amount = 0;
    double auto_approve_max_risk = 0;
    std::int64_t manual_review_min_amount = 0;
    std::int64_t manual_review_min_chargebacks = 2;
    std::int64_t evidence_required_over_amount = 0;
    double min_confidence = 0.7;
    bool auto_deny = false;
    nuance_mode subscription = nuance_mode::review_only;
    std::vector<std::string> subscription_categories = {"subscription"};
    nuance_mode digital = nuance_mode::review_only;
    std::vector<std::string> digital_categories = {"digital", "usage_based"};
    risk_weights weights;
    execution_caps caps;
    autonomy_settings autonomy;
    std::vector<std::string> high_risk_countries;
    std::vector<std::string> allowed_actions = {
        "REQUEST_PHOTO_EVIDENCE",
        "OFFER_REPLACEMENT",
        "OFFER_STORE_CREDIT",
        "REQUEST_TRACKING_INFO",
        "REQUEST_RETURN",
        "OFFER_PARTIAL_REFUND",
        "ESCALATE_TO_MANAGER",
    };
};

/// The names of the amount bands, lowest first: "0-25", "25-75", "75+" for edges 25 and 75.
[[nodiscard]] std::vector<std::string> amount_band_names(const refund_policy& policy);

/// Parses a policy file's JSON. Unknown keys anywhere are errors, reported with their path.
[[nodiscard]] core::parsed<refund_policy> parse_policy(const boost::json::value& v);

}  // namespace refundbot::pipeline::policy
