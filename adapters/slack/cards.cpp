#include "adapters/slack/cards.hpp"

#include "adapters/slack/block_kit.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include "templates/templates.hpp"
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <cstdio>

namespace refundbot::adapters::slack {

namespace json = boost::json;
using pipeline::model::refund_request;

namespace {

json::object render_file(std::string_view name, const json::object& context, surface s) {
    // Parsed once per call: templates are small, and a parse is far cheaper than the HTTP call
    // the card is for.
    auto out = render_template(json::parse(templates::get(name)), context).as_object();
    apply_limits(out, s);
    return out;
}

std::string money_text(std::int64_t minor, const std::string& currency) {
    return pipeline::core::format_money({minor, currency});
}

std::string str(const json::value* v) {
    if (v == nullptr || v->is_null()) {
        return {};
    }
    if (v->is_string()) {
        return std::string(v->get_string());
    }
    if (v->is_double()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", v->get_double());
        return buf;
    }
    if (v->is_int64()) {
        return std::to_string(v->get_int64());
    }
    return {};
}

const json::value* at(const json::value& v, std::string_view key) {
    return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

json::object request_fields(const refund_request& r) {
    return {
        {"request_id", r.request_id},
        {"amount", money_text(r.refund.amount_requested, r.order.currency)},
        {"order_id", r.order.order_id},
        {"order_total", money_text(r.order.total, r.order.currency)},
        {"customer_id", r.customer.customer_id},
        {"source", r.source},
        {"ticket_id", r.ticket_id},
    };
}

bool physical(const pipeline::model::line_item& item) {
    return item.category != "digital" && item.category != "subscription" &&
           item.category != "gift_card" && item.category != "service";
}

}  // namespace

std::string mention(std::string_view user_id) {
    bool well_formed = user_id.size() >= 3 && (user_id[0] == 'U' || user_id[0] == 'W');
    for (char c : user_id) {
        well_formed = well_formed && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    if (well_formed) {
        return "<@" + std::string(user_id) + ">";
    }
    bool group = user_id.size() >= 3 && user_id[0] == 'S';
    for (char c : user_id) {
        group = group && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    return group ? "<!subteam^" + std::string(user_id) + ">" : escape_text(user_id);
}

const std::vector<std::pair<std::string, std::string>>& deny_reasons() {
    static const std::vector<std::pair<std::string, std::string>> reasons = {
        {"outside_policy", "Outside the refund policy"},
        {"suspected_fraud", "Suspected fraud or abuse"},
        {"insufficient_evidence", "Not enough evidence"},
        {"duplicate_request", "Duplicate request"},
        {"resolved_otherwise", "Resolved another way"},
        {"other", "Other (see note)"},
    };
    return reasons;
}

std::string format_age(std::int64_t seconds) {
    const auto minutes = seconds / 60;
    const auto hours = minutes / 60;
    const auto days = hours / 24;
    if (days > 0) {
        return std::to_string(days) + " d " + std::to_string(hours % 24) + " h";
    }
    if (hours > 0) {
        return std::to_string(hours) + " h " + std::to_string(minutes % 60) + " min";
    }
    return std::to_string(minutes) + " min";
}

json::object review_card(const refund_request& r, const json::value& report, const review_view& v) {
    auto ctx = request_fields(r);
    ctx["version"] = v.version;
    ctx["reason_text"] = r.refund.reason_text.empty() ? "(no text)" : r.refund.reason_text;
    ctx["delivery"] = r.order.delivered_at
                          ? "delivered " + pipeline::core::format_rfc3339(*r.order.delivered_at)
                          : std::string("no delivery recorded");
    std::string items;
    bool any_physical = false;
    for (const auto& item : r.order.items) {
        any_physical = any_physical || physical(item);
        items += (items.empty() ? "" : ", ") + item.sku + " (" + item.category +
                 (item.final_sale ? ", final sale" : "") + ")";
    }
    ctx["items"] = items.empty() ? "-" : items;
    std::string evidence;
    for (const auto& e : r.refund.evidence) {
        evidence += (evidence.empty() ? "" : ", ") + e.type;
    }
    ctx["evidence"] = evidence.empty() ? "none attached" : evidence;
    ctx["policy_version"] = str(at(report, "policy_version"));

    std::string checks;
    std::string eligibility;
    if (const auto* rules = at(report, "rules"); rules != nullptr && rules->is_array()) {
        for (const auto& rule : rules->get_array()) {
            const auto status = str(at(rule, "status"));
            const auto* mark = status == "PASS"   ? "\xE2\x9C\x93"
                               : status == "FAIL" ? "\xE2\x9C\x97"
                                                  : "?";
            checks += std::string(mark) + " " + str(at(rule, "rule")) + ": " +
                      str(at(rule, "reason")) + "\n";
            const auto name = str(at(rule, "rule"));
            if (name == "within_refund_window" || name == "final_sale" ||
                name == "non_refundable_category") {
                eligibility += std::string(mark) + " " + name + "\n";
            }
        }
    }
    ctx["checks"] = checks;
    ctx["eligibility"] = eligibility.empty() ? "-" : eligibility;

    const auto* risk = at(report, "risk");
    ctx["risk_score"] = risk != nullptr ? str(at(*risk, "score")) : "?";
    std::string signals;
    if (risk != nullptr) {
        if (const auto* list = at(*risk, "signals"); list != nullptr && list->is_array()) {
            std::vector<std::pair<double, std::string>> top;
            for (const auto& s : list->get_array()) {
                const auto* c = at(s, "contribution");
                const double contribution =
                    c != nullptr && c->is_number() ? c->to_number<double>() : 0;
                if (contribution > 0) {
                    top.emplace_back(
                        contribution, str(at(s, "signal")) + ": " + str(at(s, "detail"))
                    );
                }
            }
            std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
                return a.first > b.first;
            });
            for (std::size_t i = 0; i < top.size() && i < 3; ++i) {
                signals += "- " + top[i].second + "\n";
            }
        }
    }
    ctx["risk_signals"] = signals.empty() ? "no signal raised" : signals;

    const auto* decision = at(report, "decision");
    const json::value none;
    const auto& d = decision != nullptr ? *decision : none;
    ctx["reasoner"] = str(at(report, "reasoner")).empty() ? "policy" : str(at(report, "reasoner"));
    ctx["ai_decision"] = str(at(d, "decision"));
    ctx["ai_confidence"] = str(at(d, "confidence"));
    ctx["category"] = str(at(d, "category"));
    ctx["summary"] = str(at(d, "reasoning_summary"));
    std::string reasons;
    if (const auto* notes = at(d, "risk_notes"); notes != nullptr && notes->is_array()) {
        for (const auto& n : notes->get_array()) {
            reasons += "- " + str(&n) + "\n";
        }
    }
    ctx["ai_reasons"] = reasons;
    // Shadow mode: the reviewer sees what the bot would have done alone.
    if (const auto* autonomy = at(report, "autonomy");
        autonomy != nullptr && str(at(*autonomy, "mode")) == "shadow") {
        const auto segment = str(at(*autonomy, "segment"));
        ctx["shadow"] = "Shadow mode" + (segment.empty() ? "" : " (segment " + segment + ")") +
                        ": on its own the bot would have routed this to *" +
                        str(at(*autonomy, "bot_route")) +
                        "*. Your decision is compared with it in `/refund stats`.";
    }
    std::string actions;
    if (const auto* list = at(d, "recommended_actions"); list != nullptr && list->is_array()) {
        for (const auto& a : list->get_array()) {
            actions += (actions.empty() ? "" : ", ") + str(at(a, "type"));
        }
    }
    ctx["next_actions"] = actions;

    ctx["show_approve"] =
        r.refund.amount_requested > 0 &&
        (!r.order.pay.payment_intent_id.empty() || !r.order.pay.charge_id.empty());
    ctx["confirm_approve"] = v.confirm_approve;
    ctx["show_evidence"] = any_physical;
    ctx["show_replacement"] = any_physical;
    ctx["four_eyes"] = v.four_eyes;
    ctx["approvals"] = static_cast<std::int64_t>(v.approved_by.size());
    std::string by;
    for (const auto& u : v.approved_by) {
        by += (by.empty() ? " (approved by " : ", ") + mention(u);
    }
    ctx["approved_by"] = by.empty() ? "" : by + ")";
    if (v.previous_card) {
        ctx["previous_card"] = "<" + *v.previous_card + "|earlier card>";
    }
    return render_file("slack/review_card.json", ctx, surface::message);
}

json::object resolved_card(const refund_request& r, const resolution& res) {
    auto ctx = request_fields(r);
    ctx["outcome"] = res.outcome;
    ctx["decided_by"] = res.decided_by == "system" ? "refundbot" : mention(res.decided_by);
    ctx["decided_at"] = res.decided_at;
    ctx["refund_id"] = res.refund_id;
    ctx["detail"] = res.detail;
    return render_file("slack/resolved_card.json", ctx, surface::message);
}

json::object evidence_card(const refund_request& r, const resolution& res) {
    auto ctx = request_fields(r);
    ctx["decided_by"] = mention(res.decided_by);
    ctx["decided_at"] = res.decided_at;
    return render_file("slack/evidence_card.json", ctx, surface::message);
}

json::object deny_modal(const refund_request& r, const std::string& private_metadata) {
    auto ctx = request_fields(r);
    ctx["metadata"] = private_metadata;
    json::array reasons;
    for (const auto& [code, label] : deny_reasons()) {
        reasons.push_back(json::object{{"code", code}, {"label", label}});
    }
    ctx["reasons"] = std::move(reasons);
    return render_file("slack/deny_modal.json", ctx, surface::modal);
}

json::object audit_trail_message(
    const std::string& request_id,
    const std::string& state,
    const std::vector<pipeline::workflow::audit_record>& events,
    const std::string& chain
) {
    json::array list;
    for (const auto& e : events) {
        std::string details;
        if (e.amount_requested && e.currency) {
            details += ", " + money_text(*e.amount_requested, *e.currency);
        }
        if (e.ai_decision) {
            details += ", AI " + *e.ai_decision;
        }
        if (e.human_override) {
            details += ", " + *e.human_override;
        }
        if (e.refund_id) {
            details += ", refund " + *e.refund_id;
        }
        list.push_back(json::object{
            {"at", pipeline::core::format_rfc3339(e.occurred_at)},
            {"event", e.event},
            {"actor", e.actor},
            {"details", details}});
    }
    json::object ctx{
        {"request_id", request_id},
        {"state", state},
        {"count", static_cast<std::int64_t>(events.size())},
        {"chain", chain},
        {"events", std::move(list)}};
    return render_file("slack/audit_trail.json", ctx, surface::message);
}

json::object pending_list(const std::vector<pending_item>& items) {
    json::array list;
    for (const auto& i : items) {
        list.push_back(json::object{
            {"request_id", i.request_id},
            {"amount", i.amount},
            {"age", i.age},
            {"link", i.permalink ? " <" + *i.permalink + "|open card>" : std::string()}});
    }
    json::object ctx{
        {"count", static_cast<std::int64_t>(items.size())}, {"items", std::move(list)}};
    return render_file("slack/pending_list.json", ctx, surface::message);
}

json::object stats_message(const json::object& figures) {
    return render_file("slack/stats.json", figures, surface::message);
}

json::object daily_summary_message(const json::object& figures) {
    return render_file("slack/daily_summary.json", figures, surface::message);
}

json::object reminder_message(
    const std::string& request_id,
    const std::string& amount,
    const std::string& age,
    const std::vector<std::string>& mentions,
    const std::string& headline
) {
    std::string who;
    for (const auto& m : mentions) {
        who += (who.empty() ? "" : " ") + m;
    }
    json::object ctx{
        {"request_id", request_id},
        {"amount", amount},
        {"age", age},
        {"mentions", who},
        {"headline", headline}};
    return render_file("slack/reminder.json", ctx, surface::message);
}

json::object notice(std::string_view text) {
    json::object out{{"text", text}, {"response_type", "ephemeral"}};
    apply_limits(out, surface::message);
    return out;
}

}  // namespace refundbot::adapters::slack
