#pragma once

#include "pipeline/decide.hpp"
#include "pipeline/quality/agreement.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace refundbot::pipeline::quality {

/// A decided request as it was recorded: the request and its enrichment at decision time, the
/// route it took and what happened after.
struct recorded_case {
    model::refund_request request;
    model::enriched_context context;
    std::string day;  ///< YYYY-MM-DD received (UTC)
    std::string policy_version;
    approval::route route = approval::route::manual_review;
    std::vector<std::string> reasons;
    human_outcome human = human_outcome::none;
    bool disputed = false;  ///< a chargeback was opened on the order's payment
};

/// Case count and amounts per currency (minor units; currencies are never added together).
struct money_tally {
    std::int64_t cases = 0;
    std::map<std::string, std::int64_t> amounts;
    void add(const std::string& currency, std::int64_t amount);
};

/// One case whose route the replay changed, with the route reasons it gained and lost.
struct route_change {
    std::string request_id;
    std::string day;
    std::string currency;
    std::int64_t amount = 0;
    approval::route before = approval::route::manual_review;
    approval::route after = approval::route::manual_review;
    human_outcome human = human_outcome::none;
    bool disputed = false;
    std::vector<std::string> gained;
    std::vector<std::string> lost;
};

struct review_load {
    std::int64_t before = 0;
    std::int64_t after = 0;
};

struct replay_report {
    std::int64_t replayed = 0;
    std::int64_t changed = 0;
    /// Every (before, after) route pair seen, unchanged ones included.
    std::map<std::pair<approval::route, approval::route>, money_tally> transitions;
    /// Route reasons behind the changes: "+amount_threshold" gained, "-risk" lost.
    std::map<std::string, std::int64_t> drivers;
    std::vector<route_change> changes;
    /// Would now auto-approve, but a person denied it or the customer later disputed it.
    std::vector<route_change> risky_approvals;
    /// Would now go to a person, but was auto-approved and never disputed.
    std::vector<route_change> extra_reviews;
    std::map<std::string, review_load> review_load_by_day;
    /// The new decisions against what people decided.
    agreement_report agreement;
};

/// The agreement record of one decision outcome for a request.
[[nodiscard]] case_record record_of(
    const model::refund_request& request,
    const decision_outcome& outcome,
    std::string day,
    human_outcome human
);

/// Compares replayed decisions with the recorded ones, one case at a time.
class replay_tally {
public:
    void add(const recorded_case& recorded, const decision_outcome& now);
    [[nodiscard]] replay_report finish(const autonomy_bar& bar) const;

private:
    replay_report report_;
    agreement_tally agreement_;
};

}  // namespace refundbot::pipeline::quality
