#pragma once

#include "pipeline/approval/gate.hpp"
#include "pipeline/model/decision.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace refundbot::pipeline::quality {

/// The last decision a person made on a case. `none` covers cases no person decided
/// (auto-approved, denied by policy, still pending).
enum class human_outcome { none, approve, deny, other };

[[nodiscard]] std::string_view to_string(human_outcome h);  ///< "", APPROVE, DENY, OTHER

/// Maps an audit event of a human decision to its outcome: REVIEW_APPROVED approves,
/// REVIEW_DENIED denies, evidence requests and offers are "other".
[[nodiscard]] human_outcome outcome_of_event(std::string_view event);

/// One case as the agreement statistics see it: what the bot said (verdict, confidence,
/// would-be route) and what the person did.
struct case_record {
    std::string request_id;
    std::string day;  ///< YYYY-MM-DD the request was received (UTC)
    std::string source;
    std::string category;
    std::string amount_band;
    std::string currency;
    std::int64_t amount = 0;  ///< requested, minor units of `currency`
    model::verdict verdict = model::verdict::escalate;
    double confidence = 0;
    approval::route bot_route = approval::route::manual_review;
    std::vector<std::string> failed_rules;  ///< ids of the rules that FAILed
    human_outcome human = human_outcome::none;
};

/// Agreement over a set of cases. A case counts as compared when a person approved or denied
/// it and the bot's verdict was APPROVE or DENY; it agrees when both are the same. A bot
/// ESCALATE on a decided case is an abstention, not a disagreement.
struct agreement_cell {
    std::int64_t cases = 0;
    std::int64_t compared = 0;
    std::int64_t agreed = 0;
    std::int64_t abstained = 0;
    std::int64_t would_auto_approve = 0;  ///< the bot's own route was AUTO_APPROVE

    void add(const case_record& c);
    [[nodiscard]] double rate() const;  ///< agreed / compared; 0 when nothing was compared
};

/// A segment's record and whether it clears the policy's bar for going live.
struct segment_row {
    std::string category;
    std::string amount_band;
    std::string source;
    agreement_cell cell;
    bool recommended = false;
};

/// Human agreement with the AI's verdict by confidence bucket: the reliability table.
struct calibration_bucket {
    double low = 0;
    double high = 0;
    std::int64_t compared = 0;
    std::int64_t agreed = 0;
    [[nodiscard]] double rate() const;
};

/// "0.9-1.0".
[[nodiscard]] std::string bucket_label(const calibration_bucket& b);

struct disagreement {
    std::string request_id;
    std::string category;
    std::string amount_band;
    std::string source;
    model::verdict verdict = model::verdict::escalate;
    double confidence = 0;
    human_outcome human = human_outcome::none;
};

struct agreement_report {
    agreement_cell overall;
    std::map<std::string, agreement_cell> by_category;
    std::map<std::string, agreement_cell> by_amount_band;
    std::map<std::string, agreement_cell> by_source;
    std::map<std::string, agreement_cell> by_rule;  ///< cases where the rule FAILed
    std::vector<segment_row> segments;              ///< category x band x source, sorted
    std::vector<calibration_bucket> calibration;    ///< [0,0.5), [0.5,0.6) ... [0.9,1.0]
    std::vector<disagreement> disagreements;
};

/// The bar a segment must clear to be recommended for live auto-approval.
struct autonomy_bar {
    double agreement_floor = 0.95;
    std::int64_t min_cases = 50;  ///< compared cases
};

/// Accumulates case records; one pass, so a replay of many cases never holds them all.
class agreement_tally {
public:
    void add(const case_record& c);
    [[nodiscard]] agreement_report finish(const autonomy_bar& bar) const;

private:
    agreement_report report_;
    std::map<std::tuple<std::string, std::string, std::string>, agreement_cell> segments_;
};

}  // namespace refundbot::pipeline::quality

namespace refundbot::pipeline::quality {

/// "92% of 120" (or "n/a" when nothing was compared).
[[nodiscard]] std::string format_rate(std::int64_t agreed, std::int64_t compared);

/// The report as labelled lines ("Agreement", "92% of 120 compared, 8 abstained"), shared by
/// the Slack stats and summary and the replay's table. Lists at most `max_items` per line.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> agreement_lines(
    const agreement_report& r, const autonomy_bar& bar, std::size_t max_items = 8
);

}  // namespace refundbot::pipeline::quality
