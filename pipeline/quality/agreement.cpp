#include "pipeline/quality/agreement.hpp"

#include <algorithm>
#include <array>

namespace refundbot::pipeline::quality {

namespace {

constexpr std::array<double, 7> bucket_edges{0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

bool comparable(const case_record& c) {
    return (c.human == human_outcome::approve || c.human == human_outcome::deny) &&
           c.verdict != model::verdict::escalate;
}

bool agrees(const case_record& c) {
    return (c.human == human_outcome::approve && c.verdict == model::verdict::approve) ||
           (c.human == human_outcome::deny && c.verdict == model::verdict::deny);
}

}  // namespace

std::string_view to_string(human_outcome h) {
    switch (h) {
        case human_outcome::approve:
            return "APPROVE";
        case human_outcome::deny:
            return "DENY";
        case human_outcome::other:
            return "OTHER";
        case human_outcome::none:
            break;
    }
    return "";
}

human_outcome outcome_of_event(std::string_view event) {
    if (event == "REVIEW_APPROVED") {
        return human_outcome::approve;
    }
    if (event == "REVIEW_DENIED") {
        return human_outcome::deny;
    }
    return event.empty() ? human_outcome::none : human_outcome::other;
}

void agreement_cell::add(const case_record& c) {
    ++cases;
    if (c.bot_route == approval::route::auto_approve) {
        ++would_auto_approve;
    }
    if (c.human != human_outcome::approve && c.human != human_outcome::deny) {
        return;
    }
    if (c.verdict == model::verdict::escalate) {
        ++abstained;
        return;
    }
    ++compared;
    if (agrees(c)) {
        ++agreed;
    }
}

double agreement_cell::rate() const {
    return compared == 0 ? 0.0 : static_cast<double>(agreed) / static_cast<double>(compared);
}

double calibration_bucket::rate() const {
    return compared == 0 ? 0.0 : static_cast<double>(agreed) / static_cast<double>(compared);
}

std::string bucket_label(const calibration_bucket& b) {
    const auto one = [](double v) {
        const auto tenths = static_cast<int>(v * 10 + 0.5);
        return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
    };
    return one(b.low) + "-" + one(b.high);
}

void agreement_tally::add(const case_record& c) {
    auto& r = report_;
    r.overall.add(c);
    r.by_category[c.category].add(c);
    r.by_amount_band[c.amount_band].add(c);
    r.by_source[c.source].add(c);
    for (const auto& rule : c.failed_rules) {
        r.by_rule[rule].add(c);
    }
    segments_[{c.category, c.amount_band, c.source}].add(c);
    if (r.calibration.empty()) {
        for (std::size_t i = 0; i + 1 < bucket_edges.size(); ++i) {
            r.calibration.push_back({bucket_edges[i], bucket_edges[i + 1], 0, 0});
        }
    }
    if (!comparable(c)) {
        return;
    }
    // The last bucket is closed: confidence 1.0 belongs to [0.9, 1.0].
    auto& bucket = *std::find_if(r.calibration.begin(), r.calibration.end(), [&](const auto& b) {
        return c.confidence < b.high || b.high == 1.0;
    });
    ++bucket.compared;
    if (agrees(c)) {
        ++bucket.agreed;
    } else {
        r.disagreements.push_back(
            {c.request_id, c.category, c.amount_band, c.source, c.verdict, c.confidence, c.human}
        );
    }
}

agreement_report agreement_tally::finish(const autonomy_bar& bar) const {
    auto r = report_;
    if (r.calibration.empty()) {
        for (std::size_t i = 0; i + 1 < bucket_edges.size(); ++i) {
            r.calibration.push_back({bucket_edges[i], bucket_edges[i + 1], 0, 0});
        }
    }
    for (const auto& [key, cell] : segments_) {
        const auto& [category, band, source] = key;
        r.segments.push_back(
            {category,
             band,
             source,
             cell,
             cell.compared >= bar.min_cases && cell.rate() >= bar.agreement_floor}
        );
    }
    return r;
}

std::string format_rate(std::int64_t agreed, std::int64_t compared) {
    if (compared == 0) {
        return "n/a";
    }
    const auto permille = (agreed * 1000 + compared / 2) / compared;
    auto text = std::to_string(permille / 10);
    if (permille % 10 != 0) {
        text += "." + std::to_string(permille % 10);
    }
    return text + "% of " + std::to_string(compared);
}

std::vector<std::pair<std::string, std::string>> agreement_lines(
    const agreement_report& r, const autonomy_bar& bar, std::size_t max_items
) {
    std::vector<std::pair<std::string, std::string>> lines;
    const auto& o = r.overall;
    lines.emplace_back(
        "Bot and people agreed",
        format_rate(o.agreed, o.compared) + " compared, " + std::to_string(o.abstained) +
            " left to people by the bot, " + std::to_string(o.cases) + " decisions"
    );
    const auto cells = [&](const std::map<std::string, agreement_cell>& m) {
        std::string text;
        std::size_t n = 0;
        for (const auto& [name, c] : m) {
            if (c.compared == 0) {
                continue;
            }
            if (n++ == max_items) {
                text += ", ...";
                break;
            }
            text += (text.empty() ? "" : ", ") + name + " " + format_rate(c.agreed, c.compared);
        }
        return text.empty() ? std::string("none compared") : text;
    };
    lines.emplace_back("By category", cells(r.by_category));
    lines.emplace_back("By amount band", cells(r.by_amount_band));
    lines.emplace_back("By source", cells(r.by_source));
    lines.emplace_back("By failed rule", cells(r.by_rule));
    std::string ready;
    std::size_t n = 0;
    for (const auto& s : r.segments) {
        if (s.recommended && n++ < max_items) {
            ready += (ready.empty() ? "" : ", ") + s.category + " / " + s.amount_band + " / " +
                     s.source + " " + format_rate(s.cell.agreed, s.cell.compared) + " (" +
                     std::to_string(s.cell.would_auto_approve) + " would auto-approve)";
        }
    }
    lines.emplace_back(
        "Segments ready to go live (at least " +
            std::to_string(static_cast<int>(bar.agreement_floor * 100 + 0.5)) + "% over " +
            std::to_string(bar.min_cases) + " cases)",
        ready.empty() ? std::string("none yet") : ready
    );
    std::string calibration;
    for (auto it = r.calibration.rbegin(); it != r.calibration.rend(); ++it) {
        if (it->compared > 0) {
            calibration += (calibration.empty() ? "" : ", ") + bucket_label(*it) + ": " +
                           format_rate(it->agreed, it->compared);
        }
    }
    lines.emplace_back(
        "Calibration (AI confidence: agreement)",
        calibration.empty() ? std::string("no compared decisions") : calibration
    );
    std::string disagreements;
    for (std::size_t i = 0; i < r.disagreements.size() && i < max_items; ++i) {
        const auto& d = r.disagreements[i];
        disagreements += (disagreements.empty() ? "" : ", ") + d.request_id + " (bot " +
                         std::string(model::to_string(d.verdict)) + ", person " +
                         std::string(to_string(d.human)) + ")";
    }
    if (r.disagreements.size() > max_items) {
        disagreements += " and " + std::to_string(r.disagreements.size() - max_items) + " more";
    }
    lines.emplace_back(
        "Disagreements", disagreements.empty() ? std::string("none") : disagreements
    );
    return lines;
}

}  // namespace refundbot::pipeline::quality
