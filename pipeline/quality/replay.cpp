#include "pipeline/quality/replay.hpp"

#include <algorithm>

namespace refundbot::pipeline::quality {

using approval::route;

namespace {

std::vector<std::string> missing_from(
    const std::vector<std::string>& from, const std::vector<std::string>& in
) {
    std::vector<std::string> out;
    for (const auto& r : from) {
        if (std::find(in.begin(), in.end(), r) == in.end()) {
            out.push_back(r);
        }
    }
    return out;
}

}  // namespace

void money_tally::add(const std::string& currency, std::int64_t amount) {
    ++cases;
    amounts[currency] += amount;
}

case_record record_of(
    const model::refund_request& request,
    const decision_outcome& outcome,
    std::string day,
    human_outcome human
) {
    case_record c;
    c.request_id = request.request_id;
    c.day = std::move(day);
    c.source = outcome.segment.source;
    c.category = outcome.segment.category;
    c.amount_band = outcome.segment.amount_band;
    c.currency = request.refund.currency;
    c.amount = request.refund.amount_requested;
    c.verdict = outcome.guarded.decision.decision;
    c.confidence = outcome.guarded.decision.confidence;
    c.bot_route = outcome.bot_route;
    for (const auto& r : outcome.evaluation.rules) {
        if (r.status == model::rule_status::fail) {
            c.failed_rules.emplace_back(r.id);
        }
    }
    c.human = human;
    return c;
}

void replay_tally::add(const recorded_case& recorded, const decision_outcome& now) {
    auto& r = report_;
    const auto& request = recorded.request;
    const auto before = recorded.route;
    const auto after = now.gate.route;
    ++r.replayed;
    r.transitions[{before, after}].add(request.refund.currency, request.refund.amount_requested);
    auto& load = r.review_load_by_day[recorded.day];
    load.before += before == route::manual_review ? 1 : 0;
    load.after += after == route::manual_review ? 1 : 0;
    agreement_.add(record_of(request, now, recorded.day, recorded.human));
    if (before == after) {
        return;
    }
    ++r.changed;
    route_change change{
        request.request_id,
        recorded.day,
        request.refund.currency,
        request.refund.amount_requested,
        before,
        after,
        recorded.human,
        recorded.disputed,
        missing_from(now.gate.reasons, recorded.reasons),
        missing_from(recorded.reasons, now.gate.reasons)};
    for (const auto& g : change.gained) {
        ++r.drivers["+" + g];
    }
    for (const auto& l : change.lost) {
        ++r.drivers["-" + l];
    }
    if (after == route::auto_approve &&
        (recorded.human == human_outcome::deny || recorded.disputed)) {
        r.risky_approvals.push_back(change);
    }
    if (before == route::auto_approve && after == route::manual_review && !recorded.disputed) {
        r.extra_reviews.push_back(change);
    }
    r.changes.push_back(std::move(change));
}

replay_report replay_tally::finish(const autonomy_bar& bar) const {
    auto r = report_;
    r.agreement = agreement_.finish(bar);
    return r;
}

}  // namespace refundbot::pipeline::quality
