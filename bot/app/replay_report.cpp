#include "bot/app/replay_report.hpp"

#include "pipeline/core/json_writer.hpp"
#include "pipeline/core/money.hpp"

#include <algorithm>
#include <sstream>

namespace refundbot::bot::app {

namespace quality = pipeline::quality;
using pipeline::approval::route;
using pipeline::approval::to_string;

namespace {

std::string money_text(const std::map<std::string, std::int64_t>& amounts) {
    std::string text;
    for (const auto& [currency, minor] : amounts) {
        text += (text.empty() ? "" : " + ") + pipeline::core::format_money({minor, currency});
    }
    return text.empty() ? std::string("-") : text;
}

std::string join(const std::vector<std::string>& v) {
    std::string text;
    for (const auto& s : v) {
        text += (text.empty() ? "" : " ") + s;
    }
    return text;
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

std::string change_line(const quality::route_change& c) {
    std::ostringstream line;
    line << c.request_id << "  " << c.day << "  "
         << pipeline::core::format_money({c.amount, c.currency}) << "  " << to_string(c.before)
         << " -> " << to_string(c.after);
    if (c.human != quality::human_outcome::none) {
        line << "  person: " << quality::to_string(c.human);
    }
    if (c.disputed) {
        line << "  DISPUTED";
    }
    line << "  " << join(c.gained);
    if (!c.lost.empty()) {
        line << " " << join(c.lost);
    }
    return line.str();
}

void write_cell(pipeline::core::json_writer& w, const quality::agreement_cell& c) {
    w.begin_object()
        .key("cases")
        .value(c.cases)
        .key("compared")
        .value(c.compared)
        .key("agreed")
        .value(c.agreed)
        .key("abstained")
        .value(c.abstained)
        .key("would_auto_approve")
        .value(c.would_auto_approve)
        .key("agreement");
    if (c.compared > 0) {
        w.value(c.rate());
    } else {
        w.null();
    }
    w.end_object();
}

void write_change(pipeline::core::json_writer& w, const quality::route_change& c) {
    w.begin_object()
        .key("request_id")
        .value(c.request_id)
        .key("day")
        .value(c.day)
        .key("currency")
        .value(c.currency)
        .key("amount_minor")
        .value(c.amount)
        .key("before")
        .value(to_string(c.before))
        .key("after")
        .value(to_string(c.after))
        .key("human")
        .value(quality::to_string(c.human))
        .key("disputed")
        .value(c.disputed)
        .key("gained")
        .begin_array();
    for (const auto& g : c.gained) {
        w.value(g);
    }
    w.end_array().key("lost").begin_array();
    for (const auto& l : c.lost) {
        w.value(l);
    }
    w.end_array().end_object();
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A horizontal bar chart: one labelled bar per row, or two (before, after) when `second`.
std::string bar_chart(
    const std::string& title,
    const std::vector<std::tuple<std::string, std::int64_t, std::int64_t>>& rows,
    bool second,
    const std::string& first_label,
    const std::string& second_label
) {
    std::int64_t top = 1;
    for (const auto& [label, a, b] : rows) {
        top = std::max({top, a, b});
    }
    const int row_h = second ? 26 : 18;
    const int height = 40 + static_cast<int>(rows.size()) * row_h + 20;
    std::ostringstream svg;
    svg << "<figure><figcaption>" << html_escape(title) << "</figcaption>"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"" << height
        << "\" role=\"img\" aria-label=\"" << html_escape(title) << "\">";
    if (second) {
        svg << "<rect x=\"220\" y=\"8\" width=\"12\" height=\"12\" class=\"a\"/><text x=\"238\" "
               "y=\"19\">"
            << html_escape(first_label)
            << "</text><rect x=\"360\" y=\"8\" width=\"12\" height=\"12\" class=\"b\"/><text "
               "x=\"378\" y=\"19\">"
            << html_escape(second_label) << "</text>";
    }
    int y = 36;
    for (const auto& [label, a, b] : rows) {
        const auto width = [&](std::int64_t v) { return static_cast<int>(v * 420 / top); };
        svg << "<text x=\"0\" y=\"" << y + 11 << "\">" << html_escape(label) << "</text>";
        svg << "<rect x=\"210\" y=\"" << y << "\" width=\"" << width(a)
            << "\" height=\"11\" class=\"a\"/><text x=\"" << 214 + width(a) << "\" y=\"" << y + 10
            << "\">" << a << "</text>";
        if (second) {
            svg << "<rect x=\"210\" y=\"" << y + 12 << "\" width=\"" << width(b)
                << "\" height=\"11\" class=\"b\"/><text x=\"" << 214 + width(b) << "\" y=\""
                << y + 22 << "\">" << b << "</text>";
        }
        y += row_h;
    }
    svg << "</svg></figure>\n";
    return svg.str();
}

std::string case_table(const std::string& title, const std::vector<quality::route_change>& cases) {
    std::ostringstream h;
    h << "<h2>" << html_escape(title) << " (" << cases.size() << ")</h2>\n";
    if (cases.empty()) {
        h << "<p>None.</p>\n";
        return h.str();
    }
    h << "<table><thead><tr><th>Request</th><th>Day</th><th>Amount</th><th>Route "
         "before</th><th>Route now</th><th>Person</th><th>Disputed</th><th>Reasons "
         "gained / lost</th></tr></thead><tbody>\n";
    for (const auto& c : cases) {
        h << "<tr id=\"case-" << html_escape(c.request_id) << "\"><td><code title=\"Run in "
          << "Slack for the audit trail\">/refund audit " << html_escape(c.request_id)
          << "</code></td><td>" << c.day << "</td><td class=\"n\">"
          << html_escape(pipeline::core::format_money({c.amount, c.currency})) << "</td><td>"
          << to_string(c.before) << "</td><td>" << to_string(c.after) << "</td><td>"
          << quality::to_string(c.human) << "</td><td>" << (c.disputed ? "yes" : "") << "</td><td>"
          << html_escape(join(c.gained)) << " " << html_escape(join(c.lost)) << "</td></tr>\n";
    }
    h << "</tbody></table>\n";
    return h.str();
}

}  // namespace

std::string replay_table(const replay_header& h, const quality::replay_report& r) {
    std::ostringstream out;
    out << "REPLAY policy " << h.policy_version << ", reasoner " << h.reasoner
        << (h.prompt_version.empty() ? "" : ", prompt " + h.prompt_version) << "\n"
        << "  " << r.replayed << " recorded requests replayed, " << r.changed << " change route; "
        << h.scan.skipped_without_context
        << " decided before decisions kept their context (skipped), " << h.scan.unreadable.size()
        << " unreadable\n\nROUTES (before -> now: cases, amount)\n";
    for (const auto& [pair, t] : r.transitions) {
        out << "  " << pad(std::string(to_string(pair.first)), 14) << " -> "
            << pad(std::string(to_string(pair.second)), 14) << pad(std::to_string(t.cases), 8)
            << money_text(t.amounts) << (pair.first == pair.second ? "  (unchanged)" : "") << '\n';
    }
    out << "\nDRIVERS (route reasons gained + / lost - by the changed cases)\n";
    std::vector<std::pair<std::string, std::int64_t>> drivers(r.drivers.begin(), r.drivers.end());
    std::stable_sort(drivers.begin(), drivers.end(), [](const auto& a, const auto& b) {
        return a.second > b.second;
    });
    for (const auto& [reason, n] : drivers) {
        out << "  " << pad(reason, 40) << n << '\n';
    }
    if (drivers.empty()) {
        out << "  none\n";
    }
    out << "\nWOULD NOW AUTO-APPROVE, BUT A PERSON DENIED IT OR IT WAS DISPUTED ("
        << r.risky_approvals.size() << ")\n";
    for (const auto& c : r.risky_approvals) {
        out << "  " << change_line(c) << '\n';
    }
    out << "\nWOULD NOW GO TO A PERSON, BUT WAS AUTO-APPROVED FINE (" << r.extra_reviews.size()
        << ")\n";
    for (const auto& c : r.extra_reviews) {
        out << "  " << change_line(c) << '\n';
    }
    out << "\nREVIEW LOAD PER DAY (before -> now)\n";
    for (const auto& [day, load] : r.review_load_by_day) {
        if (load.before != load.after) {
            out << "  " << day << "  " << load.before << " -> " << load.after << '\n';
        }
    }
    out << "\nAGREEMENT OF THE NEW DECISIONS WITH PEOPLE\n";
    for (const auto& [label, line] : quality::agreement_lines(r.agreement, h.bar, 12)) {
        out << "  " << label << ": " << line << '\n';
    }
    out << "\nSEGMENTS (category / amount band / source: agreement, compared, would "
           "auto-approve)\n";
    for (const auto& s : r.agreement.segments) {
        out << "  " << pad(s.category + " / " + s.amount_band + " / " + s.source, 40)
            << pad(quality::format_rate(s.cell.agreed, s.cell.compared), 16)
            << pad(std::to_string(s.cell.would_auto_approve), 6)
            << (s.recommended ? "RECOMMENDED for live" : "") << '\n';
    }
    out << "\nCALIBRATION (AI confidence -> agreement with people)\n";
    for (const auto& b : r.agreement.calibration) {
        out << "  " << quality::bucket_label(b) << "  "
            << quality::format_rate(b.agreed, b.compared) << '\n';
    }
    out << "\nCHANGED CASES (" << r.changes.size() << ")\n";
    for (const auto& c : r.changes) {
        out << "  " << change_line(c) << '\n';
    }
    return out.str();
}

std::string replay_json(const replay_header& h, const quality::replay_report& r) {
    pipeline::core::json_writer w;
    w.begin_object()
        .key("policy_version")
        .value(h.policy_version)
        .key("reasoner")
        .value(h.reasoner)
        .key("prompt_version")
        .value(h.prompt_version)
        .key("filter")
        .begin_object()
        .key("since")
        .value(h.since)
        .key("until")
        .value(h.until)
        .key("source")
        .value(h.source)
        .end_object()
        .key("replayed")
        .value(r.replayed)
        .key("skipped_without_context")
        .value(h.scan.skipped_without_context)
        .key("unreadable")
        .begin_array();
    for (const auto& id : h.scan.unreadable) {
        w.value(id);
    }
    w.end_array().key("changed").value(r.changed).key("transitions").begin_array();
    for (const auto& [pair, t] : r.transitions) {
        w.begin_object()
            .key("from")
            .value(to_string(pair.first))
            .key("to")
            .value(to_string(pair.second))
            .key("cases")
            .value(t.cases)
            .key("amount_minor")
            .begin_object();
        for (const auto& [currency, minor] : t.amounts) {
            w.key(currency).value(minor);
        }
        w.end_object().end_object();
    }
    w.end_array().key("drivers").begin_object();
    for (const auto& [reason, n] : r.drivers) {
        w.key(reason).value(n);
    }
    w.end_object();
    for (const auto& [key, list] :
         {std::pair{"risky_approvals", &r.risky_approvals},
          std::pair{"extra_reviews", &r.extra_reviews},
          std::pair{"changes", &r.changes}}) {
        w.key(key).begin_array();
        for (const auto& c : *list) {
            write_change(w, c);
        }
        w.end_array();
    }
    w.key("review_load").begin_array();
    for (const auto& [day, load] : r.review_load_by_day) {
        w.begin_object()
            .key("day")
            .value(day)
            .key("before")
            .value(load.before)
            .key("after")
            .value(load.after)
            .end_object();
    }
    w.end_array();
    const auto& a = r.agreement;
    w.key("agreement").begin_object().key("overall");
    write_cell(w, a.overall);
    for (const auto& [key, cells] :
         {std::pair{"by_category", &a.by_category},
          std::pair{"by_amount_band", &a.by_amount_band},
          std::pair{"by_source", &a.by_source},
          std::pair{"by_rule", &a.by_rule}}) {
        w.key(key).begin_object();
        for (const auto& [name, cell] : *cells) {
            w.key(name);
            write_cell(w, cell);
        }
        w.end_object();
    }
    w.key("segments").begin_array();
    for (const auto& s : a.segments) {
        w.begin_object()
            .key("category")
            .value(s.category)
            .key("amount_band")
            .value(s.amount_band)
            .key("source")
            .value(s.source)
            .key("recommended")
            .value(s.recommended)
            .key("record");
        write_cell(w, s.cell);
        w.end_object();
    }
    w.end_array().key("calibration").begin_array();
    for (const auto& b : a.calibration) {
        w.begin_object()
            .key("bucket")
            .value(quality::bucket_label(b))
            .key("compared")
            .value(b.compared)
            .key("agreed")
            .value(b.agreed)
            .end_object();
    }
    w.end_array().key("disagreements").begin_array();
    for (const auto& d : a.disagreements) {
        w.begin_object()
            .key("request_id")
            .value(d.request_id)
            .key("bot")
            .value(pipeline::model::to_string(d.verdict))
            .key("confidence")
            .value(d.confidence)
            .key("person")
            .value(quality::to_string(d.human))
            .end_object();
    }
    w.end_array()
        .key("bar")
        .begin_object()
        .key("agreement_floor")
        .value(h.bar.agreement_floor)
        .key("min_cases")
        .value(h.bar.min_cases)
        .end_object()
        .end_object()
        .end_object();
    return w.take() + "\n";
}

std::string replay_csv(const quality::replay_report& r) {
    // Ids, days and codes never hold commas or quotes; reasons are joined with spaces.
    std::string out =
        "request_id,day,currency,amount_minor,before,after,person,disputed,gained,lost\n";
    for (const auto& c : r.changes) {
        out += c.request_id + "," + c.day + "," + c.currency + "," + std::to_string(c.amount) +
               "," + std::string(to_string(c.before)) + "," + std::string(to_string(c.after)) +
               "," + std::string(quality::to_string(c.human)) + "," +
               (c.disputed ? "true" : "false") + "," + join(c.gained) + "," + join(c.lost) + "\n";
    }
    return out;
}

std::string replay_html(const replay_header& h, const quality::replay_report& r) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>refundbot "
           "replay: policy "
        << html_escape(h.policy_version)
        << "</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}"
           "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid "
           "#ccc;padding:3px 8px;text-align:left}td.n{text-align:right}svg text{font:12px "
           "sans-serif}rect.a{fill:#7a8ea8}rect.b{fill:#d98c3f}figure{margin:1em "
           "0}figcaption{font-weight:600}</style></head><body>\n";
    out << "<h1>Replay of policy " << html_escape(h.policy_version) << "</h1>\n<p>Reasoner "
        << html_escape(h.reasoner)
        << (h.prompt_version.empty() ? "" : ", prompt " + html_escape(h.prompt_version)) << ". "
        << r.replayed << " recorded requests replayed"
        << (h.since.empty() ? "" : " from " + html_escape(h.since))
        << (h.until.empty() ? "" : " until " + html_escape(h.until))
        << (h.source.empty() ? "" : " (source " + html_escape(h.source) + ")") << "; " << r.changed
        << " change route; " << h.scan.skipped_without_context
        << " skipped (decided before decisions kept their context).</p>\n";
    out << "<h2>Routes</h2><table><thead><tr><th>Before</th><th>Now</th><th>Cases</th><th>"
           "Amount</th></tr></thead><tbody>\n";
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> moves;
    for (const auto& [pair, t] : r.transitions) {
        out << "<tr><td>" << to_string(pair.first) << "</td><td>" << to_string(pair.second)
            << "</td><td class=\"n\">" << t.cases << "</td><td class=\"n\">"
            << html_escape(money_text(t.amounts)) << "</td></tr>\n";
        if (pair.first != pair.second) {
            moves.emplace_back(
                std::string(to_string(pair.first)) + " > " + std::string(to_string(pair.second)),
                t.cases,
                0
            );
        }
    }
    out << "</tbody></table>\n";
    if (!moves.empty()) {
        out << bar_chart("Cases that change route", moves, false, "", "");
    }
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> drivers;
    for (const auto& [reason, n] : r.drivers) {
        drivers.emplace_back(reason, n, 0);
    }
    if (!drivers.empty()) {
        out << bar_chart(
            "What drives the changes (route reasons gained + / lost -)", drivers, false, "", ""
        );
    }
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> load;
    for (const auto& [day, l] : r.review_load_by_day) {
        load.emplace_back(day, l.before, l.after);
    }
    out << bar_chart("Review load per day", load, true, "before", "with this policy");
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> calibration;
    for (const auto& b : r.agreement.calibration) {
        calibration.emplace_back(quality::bucket_label(b), b.compared, b.agreed);
    }
    out << bar_chart(
        "Calibration: compared decisions and agreements by AI confidence",
        calibration,
        true,
        "compared",
        "agreed"
    );
    out << "<h2>Agreement with people</h2><ul>\n";
    for (const auto& [label, line] : quality::agreement_lines(r.agreement, h.bar, 20)) {
        out << "<li><b>" << html_escape(label) << ":</b> " << html_escape(line) << "</li>\n";
    }
    out << "</ul>\n";
    out << case_table(
        "Would now auto-approve, but a person denied it or it was disputed", r.risky_approvals
    );
    out << case_table("Would now go to a person, but was auto-approved fine", r.extra_reviews);
    out << case_table("All changed cases", r.changes);
    out << "</body></html>\n";
    return out.str();
}

}  // namespace refundbot::bot::app
