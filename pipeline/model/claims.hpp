#pragma once

#include "pipeline/model/refund_request.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace refundbot::pipeline::model {

/// What the customer's own words claim, read deterministically from the reason text and the
/// customer message (folded: lower case, no accents). Shared by the policy rules, the risk
/// score and the offline reasoner so that all three read a claim the same way.
struct claims {
    std::string text;                ///< folded reason_text + customer_message
    bool not_received = false;       ///< "never arrived", "package missing", "no me llego"
    bool chargeback_threat = false;  ///< "I'll dispute it with my bank", "chargeback"
    bool hostile = false;            ///< insults, threats, shouting about lawyers
};

[[nodiscard]] claims read_claims(const refund_request& r);

/// True when the request carries evidence of one of `types` (photo, carrier_scan, ...).
[[nodiscard]] bool has_evidence(
    const refund_request& r, std::initializer_list<std::string_view> types
);

}  // namespace refundbot::pipeline::model
