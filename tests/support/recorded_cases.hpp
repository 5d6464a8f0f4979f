#pragma once

#include "pipeline/policy/policy.hpp"

#include <string>

namespace refundbot::tests {

/// Seeds `count` decided requests through the live code path (the pipeline with the offline
/// reasoner, then apply_decision and apply_review), with known outcomes:
/// - amounts cycle over 20, 45, 60, 90, 150, 250 USD; categories apparel, electronics, home;
///   sources zendesk, shopify, helpdesk; received over 10 days from 2026-11-01 (UTC);
/// - every 11th customer has 3 chargebacks on record;
/// - of the cases sent to review, i % 4 == 0 is denied by a person, i % 4 == 1 gets an
///   evidence request, the others are approved;
/// - every auto-approved case with i % 7 == 0 is disputed later (a chargebacks row).
/// Request ids are rf_seed_0000 ... in order.
void seed_recorded_cases(
    const std::string& database_url, const pipeline::policy::refund_policy& policy, int count
);

}  // namespace refundbot::tests
