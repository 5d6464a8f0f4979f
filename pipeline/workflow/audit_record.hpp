#pragma once

#include "pipeline/core/timestamp.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace refundbot::pipeline::workflow {

/// One audit event, in the seed's audit record shape. Holds no PII by construction: there is
/// no field for an email, a name, an address or customer text.
struct audit_record {
    std::string audit_id;
    std::string request_id;
    std::string event;  ///< REQUEST_RECEIVED, DECISION_MADE, REFUND_EXECUTED, ...
    std::string actor;  ///< "system", "human:<slack user id>", "ai:<model>"
    core::timestamp occurred_at;
    // inputs
    std::optional<std::string> policy_version;
    std::optional<double> risk_score;
    std::optional<std::int64_t> amount_requested;  ///< minor units of `currency`
    std::optional<std::string> currency;
    // decision
    std::optional<std::string> ai_decision;
    std::optional<double> ai_confidence;
    std::optional<std::string> human_override;
    /// The model's part in a decision (absent when no model was asked).
    std::optional<std::string> ai_model;
    std::optional<std::string> prompt_version;
    std::optional<std::int64_t> ai_input_tokens;
    std::optional<std::int64_t> ai_output_tokens;
    std::optional<std::int64_t> ai_cost_microusd;
    std::optional<std::string> ai_unavailable;
    // execution
    std::optional<std::string> processor;
    std::optional<std::string> refund_id;
    std::optional<std::string> idempotency_key;
    // Added with the Stripe processor; absent fields are left out of the canonical JSON so
    // the hashes of records written before them still verify.
    std::optional<std::string> processor_status;  ///< pending, succeeded, failed, ...
    std::optional<std::string> error_code;        ///< the processor's error or failure code
};

/// The record as canonical JSON (fixed key order, no whitespace, nulls written out, amounts as
/// decimal strings): the exact bytes the hash chain covers, so writer and verifier agree.
[[nodiscard]] std::string canonical_json(const audit_record& r);

/// The chain's first `prev_hash`.
inline constexpr std::string_view genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace refundbot::pipeline::workflow
