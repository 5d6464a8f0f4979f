#include "bot/orchestrator/helpdesk_jobs.hpp"

#include "adapters/crypto/crypto.hpp"
#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/review_store.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/text.hpp"
#include "pipeline/ports/helpdesk.hpp"

#include "templates/templates.hpp"
#include <boost/json/parse.hpp>

namespace refundbot::bot::orchestrator {

namespace postgres = adapters::postgres;
namespace json = boost::json;
using pipeline::workflow::request_state;

namespace {

// What the customer is told about a denial: never fraud suspicions, risk or internal notes.
std::string customer_reason(const std::string& code) {
    if (code == "outside_policy") {
        return "the request falls outside our refund policy.";
    }
    if (code == "insufficient_evidence") {
        return "we could not confirm the issue from the information we have.";
    }
    if (code == "duplicate_request") {
        return "we have already handled a request for this order.";
    }
    if (code == "resolved_otherwise") {
        return "this has been resolved in another way; please see our other messages.";
    }
    return "the request does not meet our refund policy.";
}

std::string amount_text(const pipeline::core::money& m) {
    return pipeline::core::format_decimal(
               m.minor, pipeline::core::currency_exponent(m.currency).value_or(2)
           ) +
           " " + m.currency;
}

// Zendesk tags: lower case, no spaces; the marker names one update of one request.
std::string marker(const postgres::job& j, std::string_view part) {
    const auto h = adapters::crypto::to_hex(
        adapters::crypto::sha256(j.request_id + ":" + j.key + ":" + std::string(part))
    );
    return "refundbot_u" + h.substr(0, 16);
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

}  // namespace

helpdesk_jobs::helpdesk_jobs(
    pipeline::ports::customer_notifier& notifier, pipeline::ports::ticket_updater& updater
)
    : notifier_(notifier), updater_(updater) {}

bool helpdesk_jobs::handles(std::string_view kind) const {
    return kind == "helpdesk_update";
}

void helpdesk_jobs::run(const postgres::job& j, pqxx::connection_base& cx) {
    const auto payload = json::parse(j.payload).as_object();
    const auto state = pipeline::workflow::parse_state(payload.at("state").as_string());
    if (!state) {
        throw std::runtime_error("helpdesk_update: unknown state in payload");
    }
    const auto stored = postgres::load_request(cx, j.request_id);
    const auto& req = stored.request;
    // "In review" or "send a photo" that a later outcome overtook is not news any more.
    if ((*state == request_state::pending_review || *state == request_state::awaiting_evidence) &&
        std::to_string(stored.version) != j.key) {
        return;
    }
    const auto trail = postgres::audit_trail(cx, j.request_id);
    const auto decision = postgres::last_human_decision(cx, j.request_id);
    const std::string decided_by =
        decision ? "reviewer " + decision->reviewer : std::string("automatic decision");
    std::map<std::string, std::string> values{{"amount", amount_text(req.requested())}};
    std::string text_name;
    std::string note = "refundbot: request " + j.request_id + " ";
    switch (*state) {
        case request_state::refunded: {
            text_name = "refunded";
            std::string refund_id;
            std::string processor;
            for (const auto& e : trail) {
                if (e.event == "REFUND_EXECUTED") {
                    refund_id = e.refund_id.value_or("");
                    processor = e.processor.value_or("");
                }
            }
            note += "refunded " + values["amount"] + " (refund " + refund_id + " via " + processor +
                    "), approved by " + decided_by + ".";
            break;
        }
        case request_state::denied: {
            text_name = "denied";
            std::string code;
            for (const auto& e : trail) {
                if (e.event == "REVIEW_DENIED" && e.human_override) {
                    code = e.human_override->substr(e.human_override->find(':') + 1);
                }
            }
            values["reason"] = customer_reason(code);
            note +=
                "denied by " + decided_by + (code.empty() ? "" : " (reason: " + code + ")") + ".";
            break;
        }
        case request_state::awaiting_evidence:
            text_name = "evidence_requested";
            note += "waits for photo evidence, requested by " + decided_by + ".";
            break;
        case request_state::replacement_offered: {
            const bool credit = decision && decision->event == "STORE_CREDIT_OFFERED";
            text_name = credit ? "store_credit_offered" : "replacement_offered";
            note += std::string(credit ? "store credit" : "a replacement") + " offered by " +
                    decided_by + "; no refund.";
            break;
        }
        case request_state::pending_review:
            text_name = "in_review";
            note += "is waiting for a human review in Slack.";
            break;
        case request_state::execution_failed:
            note +=
                "was approved but the refund failed; see the audit trail and follow up with "
                "the customer.";
            break;
        default:
            return;
    }
    note += " Audit trail: /refund audit " + j.request_id;
    const std::vector<std::string> tags{
        "refundbot", "refundbot_" + lower(std::string(pipeline::workflow::to_string(*state)))};
    if (!text_name.empty()) {
        notifier_.notify_customer({
            req.ticket_id,
            marker(j, "reply"),
            pipeline::core::fill_placeholders(
                templates::get("customer/" + text_name + ".txt"), values
            ),
            tags,
        });
    }
    updater_.add_internal_note({req.ticket_id, marker(j, "note"), note, tags});
}

}  // namespace refundbot::bot::orchestrator
