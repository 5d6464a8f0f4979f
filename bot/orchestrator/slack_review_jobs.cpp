#include "bot/orchestrator/slack_review_jobs.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/review_store.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/cards.hpp"
#include "adapters/slack/web_api.hpp"
#include "adapters/telemetry/log.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/timestamp.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace refundbot::bot::orchestrator {

namespace json = boost::json;
namespace postgres = adapters::postgres;
namespace slack = adapters::slack;
using pipeline::workflow::request_state;

namespace {

// The agreement statistics as mrkdwn lines for /refund stats and the daily summary.
std::string quality_text(
    const pipeline::quality::agreement_report& r, const pipeline::quality::autonomy_bar& bar
) {
    std::string text;
    for (const auto& [label, line] : pipeline::quality::agreement_lines(r, bar, 5)) {
        text += "*" + label + ":* " + line + "\n";
    }
    return text;
}

const adapters::telemetry::logger& log() {
    static const adapters::telemetry::logger l("slack");
    return l;
}

std::string field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

void require(const slack::api_result& r, std::string_view what) {
    if (!r.ok) {
        throw std::runtime_error(std::string(what) + " failed: " + r.error);
    }
}

std::string now_text() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string percent(std::int64_t part, std::int64_t whole) {
    if (whole == 0) {
        return "n/a";
    }
    return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

std::string duration_text(const std::optional<double>& seconds) {
    return seconds ? slack::format_age(static_cast<std::int64_t>(*seconds)) : std::string("n/a");
}

std::string refunded_text(const std::map<std::string, std::int64_t>& amounts) {
    std::string out;
    for (const auto& [currency, minor] : amounts) {
        out += (out.empty() ? "" : ", ") + pipeline::core::format_money({minor, currency});
    }
    return out.empty() ? "nothing" : out;
}

std::optional<postgres::review_action> parse_action(std::string_view a) {
    using postgres::review_action;
    if (a == "approve") {
        return review_action::approve;
    }
    if (a == "deny" || a == "deny_submit") {
        return review_action::deny;
    }
    if (a == "request_evidence") {
        return review_action::request_evidence;
    }
    if (a == "offer_replacement") {
        return review_action::offer_replacement;
    }
    if (a == "offer_store_credit") {
        return review_action::offer_store_credit;
    }
    return std::nullopt;
}

std::string decided_text(const postgres::review_outcome& o) {
    if (o.previous) {
        return "This refund was already decided: " + o.previous->event + " by " +
               slack::mention(o.previous->reviewer) + " at " + o.previous->at + ".";
    }
    return "This refund is no longer waiting for review (it is " +
           std::string(pipeline::workflow::to_string(o.state)) + ").";
}

}  // namespace

slack_review_jobs::slack_review_jobs(slack_review_settings settings, slack::web_api& api)
    : settings_(std::move(settings)), api_(api) {}

bool slack_review_jobs::handles(std::string_view kind) const {
    return kind.starts_with("slack_");
}

void slack_review_jobs::run(const postgres::job& j, pqxx::connection_base& cx) {
    if (j.kind == "slack_card") {
        post_card(j, cx);
    } else if (j.kind == "slack_action") {
        act(j, cx);
    } else if (j.kind == "slack_resolve") {
        show_outcome(j, cx);
    } else if (j.kind == "slack_reminder") {
        remind(j, cx);
    } else if (j.kind == "slack_summary") {
        summarize(j, cx);
    } else if (j.kind == "slack_alert") {
        alert(j, cx);
    } else if (j.kind == "slack_command") {
        command(j, cx);
    } else {
        throw std::runtime_error("unknown Slack job " + j.kind);
    }
}

void slack_review_jobs::sweep(pqxx::connection_base& cx) {
    if (const auto n =
            postgres::schedule_reminders(cx, settings_.remind_after, settings_.escalate_after);
        n > 0) {
        log().info("review reminders queued", {{"count", n}});
    }
    if (!settings_.summary_channel.empty()) {
        for (const auto& day : postgres::schedule_daily_summaries(
                 cx, settings_.summary_time, settings_.summary_timezone
             )) {
            log().info("daily summary queued", {{"day", day}});
        }
    }
}

pipeline::approval::reviewer_identity slack_review_jobs::identify(const std::string& user) {
    pipeline::approval::reviewer_identity who{user, {}};
    const auto groups = pipeline::approval::groups_named(settings_.authority);
    if (groups.empty()) {
        return who;
    }
    std::lock_guard lock(groups_mutex_);
    if (std::chrono::steady_clock::now() - groups_loaded_ > settings_.group_cache_ttl) {
        std::map<std::string, std::set<std::string>> fresh;
        for (const auto& g : groups) {
            if (auto members = api_.usergroup_members(g)) {
                fresh[g] = {members->begin(), members->end()};
            } else {
                fresh[g] = group_members_[g];  // keep what we knew rather than lock people out
            }
        }
        group_members_ = std::move(fresh);
        groups_loaded_ = std::chrono::steady_clock::now();
    }
    for (const auto& [g, members] : group_members_) {
        if (members.contains(user)) {
            who.groups.insert(g);
        }
    }
    return who;
}

void slack_review_jobs::post_card(const postgres::job& j, pqxx::connection_base& cx) {
    const int version = std::stoi(j.key);
    const auto stored = postgres::load_request(cx, j.request_id);
    if (stored.state != request_state::pending_review || stored.version != version) {
        return;  // decided (or re-opened) before the card went out
    }
    if (postgres::find_card(cx, j.request_id, version)) {
        return;  // posted by an earlier run of this job
    }
    const auto report = json::parse(postgres::decision_report(cx, j.request_id).value_or("{}"));
    slack::review_view view;
    view.version = version;
    view.confirm_approve =
        pipeline::approval::needs_confirmation(settings_.authority, stored.request.requested());
    view.four_eyes =
        pipeline::approval::needs_four_eyes(settings_.authority, stored.request.requested());
    if (const auto previous = postgres::find_card(cx, j.request_id)) {
        view.previous_card = api_.permalink(previous->channel, previous->ts);
    }
    const auto posted = api_.post_message(
        settings_.review_channel, slack::review_card(stored.request, report, view)
    );
    require(posted, "chat.postMessage (review card)");
    postgres::record_card(
        cx,
        j.request_id,
        {field(posted.body, "channel").empty() ? settings_.review_channel
                                               : field(posted.body, "channel"),
         field(posted.body, "ts"),
         version}
    );
    log().info("review card posted", {{"refund_request_id", j.request_id}});
}

void slack_review_jobs::act(const postgres::job& j, pqxx::connection_base& cx) {
    const auto p = json::parse(j.payload).as_object();
    const auto user = field(p, "user");
    const auto action = field(p, "action");
    const auto response_url = field(p, "response_url");
    const auto channel = field(p, "channel");
    const auto tell = [&](const std::string& text) {
        try {
            auto message = slack::notice(text);
            message["replace_original"] = false;
            const auto r = !response_url.empty()
                               ? api_.respond(response_url, message)
                               : api_.post_ephemeral(channel, user, slack::notice(text));
            if (!r.ok) {
                log().warn("cannot tell the reviewer", {{"error", r.error}});
            }
        } catch (const std::exception& e) {
            // The decision stands either way; a lost ephemeral note is not worth a retry.
            log().warn("cannot tell the reviewer", {{"error", e.what()}});
        }
    };
    const auto kind = parse_action(action);
    if (!kind) {
        throw std::runtime_error("unknown review action " + action);
    }
    const auto stored = postgres::load_request(cx, j.request_id);
    const auto amount = stored.request.requested();
    const auto allowed =
        pipeline::approval::may_decide(settings_.authority, identify(user), amount);
    if (!allowed.allowed) {
        postgres::record_review_event(
            cx, j.request_id, "UNAUTHORIZED_ATTEMPT", "human:" + user, std::string(action)
        );
        log().warn(
            "review click refused",
            {{"refund_request_id", j.request_id}, {"user", user}, {"action", action}}
        );
        tell(
            "You cannot " + action + " refund " + slack::escape_text(j.request_id) + ": " +
            allowed.reason + ". This attempt was recorded."
        );
        return;
    }
    if (action == "deny") {
        if (stored.state != request_state::pending_review) {
            tell(decided_text(
                {postgres::review_outcome::kind::already_decided,
                 stored.state,
                 stored.version,
                 {},
                 postgres::last_human_decision(cx, j.request_id)}
            ));
            return;
        }
        const json::object meta{
            {"request_id", j.request_id}, {"channel", channel}, {"ts", field(p, "message_ts")}};
        require(
            api_.open_view(
                field(p, "trigger_id"), slack::deny_modal(stored.request, json::serialize(meta))
            ),
            "views.open (deny)"
        );
        return;
    }
    postgres::review_input in;
    in.request_id = j.request_id;
    in.reviewer = user;
    in.action = *kind;
    in.four_eyes = pipeline::approval::needs_four_eyes(settings_.authority, amount);
    in.reason = field(p, "reason");
    in.note = field(p, "note");
    const auto outcome = postgres::apply_review(cx, in);
    using k = postgres::review_outcome::kind;
    switch (outcome.result) {
        case k::already_decided:
            tell(decided_text(outcome));
            return;
        case k::duplicate_approval:
            tell(
                "You already approved refund " + slack::escape_text(j.request_id) +
                "; a second, different approver must approve it."
            );
            return;
        case k::approval_recorded: {
            if (const auto card = postgres::find_card(cx, j.request_id)) {
                const auto report =
                    json::parse(postgres::decision_report(cx, j.request_id).value_or("{}"));
                slack::review_view view;
                view.version = card->version;
                view.four_eyes = true;
                view.confirm_approve =
                    pipeline::approval::needs_confirmation(settings_.authority, amount);
                view.approved_by = outcome.approvers;
                require(
                    api_.update(
                        card->channel, card->ts, slack::review_card(stored.request, report, view)
                    ),
                    "chat.update (approval)"
                );
                (void)api_.post_message(
                    card->channel,
                    {{"thread_ts", card->ts},
                     {"text",
                      slack::mention(user) + " approved (1 of 2). A second approver is needed."}}
                );
            }
            return;
        }
        case k::applied:
            break;
    }
    log().info(
        "review decided",
        {{"refund_request_id", j.request_id},
         {"user", user},
         {"action", action},
         {"state", pipeline::workflow::to_string(outcome.state)}}
    );
    if (*kind == postgres::review_action::approve) {
        // The refund runs in its own job; take the buttons away now so nobody clicks again.
        if (const auto card = postgres::find_card(cx, j.request_id)) {
            slack::resolution r{"Approved; refund in progress", user, now_text(), {}, {}};
            require(
                api_.update(card->channel, card->ts, slack::resolved_card(stored.request, r)),
                "chat.update (approved)"
            );
        }
    }
    // The customer hears about evidence requests, offers and denials through the helpdesk job
    // the state change queued (helpdesk_jobs).
}

void slack_review_jobs::show_outcome(const postgres::job& j, pqxx::connection_base& cx) {
    const auto card = postgres::find_card(cx, j.request_id);
    if (!card) {
        return;
    }
    const auto stored = postgres::load_request(cx, j.request_id);
    const auto decision = postgres::last_human_decision(cx, j.request_id);
    slack::resolution r;
    r.decided_by = decision ? decision->reviewer : "system";
    r.decided_at = decision ? decision->at : now_text();
    const auto trail = postgres::audit_trail(cx, j.request_id);
    json::object message;
    switch (stored.state) {
        case request_state::refunded:
        case request_state::execution_failed:
            for (const auto& e : trail) {
                if (e.event == "REFUND_EXECUTED" || e.event == "EXECUTION_FAILED") {
                    r.refund_id = e.refund_id.value_or("");
                    r.decided_at =
                        decision ? decision->at : pipeline::core::format_rfc3339(e.occurred_at);
                }
            }
            r.outcome = stored.state == request_state::refunded ? "Refunded" : "Refund failed";
            if (stored.state == request_state::execution_failed) {
                r.detail = "The payment processor declined the refund; see `/refund audit " +
                           slack::escape_text(j.request_id) + "`.";
            }
            message = slack::resolved_card(stored.request, r);
            break;
        case request_state::denied: {
            r.outcome = "Denied";
            for (const auto& e : trail) {
                if (e.event == "REVIEW_DENIED" && e.human_override) {
                    const auto code = e.human_override->substr(e.human_override->find(':') + 1);
                    for (const auto& [c, label] : slack::deny_reasons()) {
                        if (c == code) {
                            r.detail = "Reason: " + label;
                        }
                    }
                }
            }
            message = slack::resolved_card(stored.request, r);
            break;
        }
        case request_state::replacement_offered:
            r.outcome = decision && decision->event == "STORE_CREDIT_OFFERED"
                            ? "Store credit offered"
                            : "Replacement offered";
            r.detail = "No refund; the customer was notified of the offer.";
            message = slack::resolved_card(stored.request, r);
            break;
        case request_state::awaiting_evidence:
            message = slack::evidence_card(stored.request, r);
            break;
        default:
            return;  // nothing final to show
    }
    const auto updated = api_.update(card->channel, card->ts, message);
    if (!updated.ok && updated.error != "message_not_found") {
        require(updated, "chat.update (outcome)");
    }
    std::string thread =
        field(message, "text") + ". Decided by " +
        (r.decided_by == "system" ? std::string("refundbot") : slack::mention(r.decided_by)) +
        " at " + r.decided_at + ".";
    if (!r.refund_id.empty()) {
        thread += " Refund id: " + slack::escape_text(r.refund_id) + ".";
    }
    if (!r.detail.empty()) {
        thread += " " + slack::escape_text(r.detail);
    }
    require(
        api_.post_message(card->channel, {{"thread_ts", card->ts}, {"text", thread}}),
        "chat.postMessage (thread)"
    );
}

// Failed refunds and disputes: in the card's thread, where the reviewer looks, and in the
// alerts channel, where operations look.
void slack_review_jobs::alert(const postgres::job& j, pqxx::connection_base& cx) {
    const auto payload = json::parse(j.payload).as_object();
    const auto text = ":warning: " + slack::escape_text(field(payload, "text"));
    log().warn("refund alert", {{"refund_request_id", j.request_id}, {"alert", j.key}});
    if (const auto card = postgres::find_card(cx, j.request_id)) {
        require(
            api_.post_message(card->channel, {{"thread_ts", card->ts}, {"text", text}}),
            "chat.postMessage (alert in thread)"
        );
    }
    if (!settings_.alerts_channel.empty()) {
        require(
            api_.post_message(settings_.alerts_channel, {{"text", text}}),
            "chat.postMessage (alerts channel)"
        );
    }
}

void slack_review_jobs::remind(const postgres::job& j, pqxx::connection_base& cx) {
    const auto card = postgres::find_card(cx, j.request_id);
    const auto summary = postgres::summarize_request(cx, j.request_id);
    if (!card || !summary || summary->state != request_state::pending_review) {
        return;
    }
    const bool escalate = j.key == "escalate";
    std::vector<std::string> mentions;
    if (escalate && !settings_.authority.backup_approvers.empty()) {
        for (const auto& id : settings_.authority.backup_approvers) {
            mentions.push_back(slack::mention(id));
        }
    } else {
        for (const auto& a : settings_.authority.approvers) {
            mentions.push_back(slack::mention(a.id));
        }
    }
    auto message = slack::reminder_message(
        j.request_id,
        pipeline::core::format_money({summary->amount, summary->currency}),
        slack::format_age(summary->age_seconds),
        mentions,
        escalate ? "Escalation" : "Reminder"
    );
    message["thread_ts"] = card->ts;
    require(api_.post_message(card->channel, message), "chat.postMessage (reminder)");
    postgres::record_review_event(
        cx,
        j.request_id,
        escalate ? "REVIEW_ESCALATED" : "REVIEW_REMINDER_SENT",
        "system",
        std::nullopt
    );
}

void slack_review_jobs::summarize(const postgres::job& j, pqxx::connection_base& cx) {
    // "<day>#<id>" is a preview of a day so far (the sandbox console's button): posted, but
    // the day's scheduled summary still follows.
    const auto day = j.key.substr(0, j.key.find('#'));
    const bool preview = day != j.key;
    const auto s = postgres::stats_for_day(cx, day, settings_.summary_timezone);
    std::string categories;
    for (const auto& [c, n] : s.top_categories) {
        categories += (categories.empty() ? "" : ", ") + c + " (" + std::to_string(n) + ")";
    }
    const json::object figures{
        {"day", preview ? day + " (so far)" : day},
        {"timezone", settings_.summary_timezone},
        {"received", std::to_string(s.received)},
        {"auto_approved", std::to_string(s.auto_approved)},
        {"approved", std::to_string(s.approved)},
        {"denied", std::to_string(s.denied)},
        {"escalated", std::to_string(s.escalated)},
        {"escalation_rate", percent(s.escalated, s.received)},
        {"approval_rate",
         percent(s.auto_approved + s.approved, s.auto_approved + s.approved + s.denied)},
        {"awaiting_evidence", std::to_string(s.awaiting_evidence)},
        {"refunded", refunded_text(s.refunded)},
        {"median_decision", duration_text(s.median_decision_s)},
        {"p90_decision", duration_text(s.p90_decision_s)},
        {"quality",
         quality_text(s.agreement.finish(settings_.autonomy_bar), settings_.autonomy_bar)},
        {"execution_failures", std::to_string(s.execution_failures)},
        {"top_categories", categories.empty() ? std::string("none") : categories},
        {"oldest_pending", s.oldest_pending.value_or("none")},
        {"ai_usage",
         s.ai_calls == 0 && s.ai_unavailable == 0
             ? std::string("no model calls")
             : std::to_string(s.ai_calls) + " calls, " + std::to_string(s.ai_failed_calls) +
                   " failed, " + std::to_string(s.ai_unavailable) +
                   " decisions left to people, about USD " +
                   pipeline::core::format_decimal(s.ai_cost_microusd, 6)},
    };
    require(
        api_.post_message(settings_.summary_channel, slack::daily_summary_message(figures)),
        "chat.postMessage (daily summary)"
    );
    if (!preview) {
        postgres::mark_summary_posted(cx, day);
    }
    log().info("daily summary posted", {{"day", day}, {"preview", preview}});
}

void slack_review_jobs::command(const postgres::job& j, pqxx::connection_base& cx) {
    const auto p = json::parse(j.payload).as_object();
    const auto user = field(p, "user");
    const auto text = field(p, "text");
    const auto response_url = field(p, "response_url");
    const auto reply = [&](json::object message) {
        message["response_type"] = "ephemeral";
        message["replace_original"] = false;
        require(api_.respond(response_url, std::move(message)), "response_url (/refund)");
    };
    if (!pipeline::approval::may_view(settings_.authority, identify(user))) {
        reply(slack::notice("Only configured refund approvers and viewers may use /refund."));
        return;
    }
    const auto space = text.find(' ');
    const auto verb = text.substr(0, space);
    auto arg = space == std::string::npos ? std::string() : text.substr(space + 1);
    while (!arg.empty() && arg.back() == ' ') {
        arg.pop_back();
    }
    if (verb == "pending") {
        std::vector<slack::pending_item> items;
        for (const auto& r : postgres::pending_reviews(cx, 20)) {
            slack::pending_item item{
                r.request_id,
                pipeline::core::format_money({r.amount, r.currency}),
                slack::format_age(r.age_seconds),
                std::nullopt};
            if (const auto card = postgres::find_card(cx, r.request_id)) {
                item.permalink = api_.permalink(card->channel, card->ts);
            }
            items.push_back(std::move(item));
        }
        reply(slack::pending_list(items));
        return;
    }
    if (verb == "stats") {
        const auto window = arg == "30d"  ? std::chrono::hours(24 * 30)
                            : arg == "7d" ? std::chrono::hours(24 * 7)
                                          : std::chrono::hours(24);
        const auto s = postgres::stats_since(cx, window);
        reply(slack::stats_message({
            {"period", arg.empty() ? std::string("today") : arg},
            {"received", std::to_string(s.received)},
            {"auto_approved", std::to_string(s.auto_approved)},
            {"approved", std::to_string(s.approved)},
            {"denied", std::to_string(s.denied)},
            {"escalated", std::to_string(s.escalated)},
            {"awaiting_evidence", std::to_string(s.awaiting_evidence)},
            {"refunded", refunded_text(s.refunded)},
            {"execution_failures", std::to_string(s.execution_failures)},
            {"quality",
             quality_text(s.agreement.finish(settings_.autonomy_bar), settings_.autonomy_bar)},
        }));
        return;
    }
    if (arg.empty()) {
        reply(slack::notice("Usage: /refund " + verb + " <request, order or ticket id>"));
        return;
    }
    const auto id = postgres::find_request_id(cx, arg);
    if (!id) {
        reply(slack::notice("No refund request, order or ticket " + slack::escape_text(arg) + "."));
        return;
    }
    const auto summary = postgres::summarize_request(cx, *id);
    const auto state = std::string(pipeline::workflow::to_string(summary->state));
    if (verb == "status") {
        reply(slack::notice(
            "Refund " + slack::escape_text(*id) + ": " + state + ", " +
            pipeline::core::format_money({summary->amount, summary->currency}) + ", for " +
            slack::format_age(summary->age_seconds) + "."
        ));
        return;
    }
    const auto chain = postgres::verify_audit_chain(cx);
    reply(slack::audit_trail_message(
        *id,
        state,
        postgres::audit_trail(cx, *id),
        chain.intact ? "verified (" + std::to_string(chain.rows) + " rows intact)"
                     : "BROKEN at " + chain.broken_audit_id.value_or("?") + ": " + chain.reason
    ));
}

}  // namespace refundbot::bot::orchestrator
