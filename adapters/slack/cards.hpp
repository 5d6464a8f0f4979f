#pragma once

#include "pipeline/model/refund_request.hpp"
#include "pipeline/workflow/audit_record.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::adapters::slack {

/// The review card's state beyond the request and its decision report.
struct review_view {
    int version = 1;  ///< the request version the card was posted for (unique block ids)
    bool confirm_approve = false;              ///< the amount is above review.confirm_over
    bool four_eyes = false;                    ///< two approvers needed
    std::vector<std::string> approved_by;      ///< Slack user ids approving so far
    std::optional<std::string> previous_card;  ///< permalink of the card this one replaces
};

/// How a review ended, for the resolved card and its thread reply.
struct resolution {
    std::string outcome;     ///< "Refunded", "Denied", "Refund failed", ...
    std::string decided_by;  ///< Slack user id, or "system"
    std::string decided_at;  ///< RFC 3339
    std::string refund_id;
    std::string detail;  ///< deny reason, error, offer
};

/// `<@U123>` for a well-formed Slack user id, else the escaped text: ids come from signed
/// payloads, but a mention is markup and only ever built here.
[[nodiscard]] std::string mention(std::string_view user_id);

/// The deny modal's reasons: code and label.
[[nodiscard]] const std::vector<std::pair<std::string, std::string>>& deny_reasons();

// Each returns a chat.postMessage / chat.update / response_url body (or a view), rendered
// from templates/slack/ and cut to Slack's limits.
[[nodiscard]] boost::json::object review_card(
    const pipeline::model::refund_request& request,
    const boost::json::value& report,
    const review_view& view
);
[[nodiscard]] boost::json::object resolved_card(
    const pipeline::model::refund_request& request, const resolution& r
);
[[nodiscard]] boost::json::object evidence_card(
    const pipeline::model::refund_request& request, const resolution& r
);
[[nodiscard]] boost::json::object deny_modal(
    const pipeline::model::refund_request& request, const std::string& private_metadata
);
[[nodiscard]] boost::json::object audit_trail_message(
    const std::string& request_id,
    const std::string& state,
    const std::vector<pipeline::workflow::audit_record>& events,
    const std::string& chain
);

struct pending_item {
    std::string request_id;
    std::string amount;
    std::string age;
    std::optional<std::string> permalink;
};
[[nodiscard]] boost::json::object pending_list(const std::vector<pending_item>& items);
/// `figures` holds the template's fields as strings (see templates/slack/stats.json).
[[nodiscard]] boost::json::object stats_message(const boost::json::object& figures);
[[nodiscard]] boost::json::object daily_summary_message(const boost::json::object& figures);
[[nodiscard]] boost::json::object reminder_message(
    const std::string& request_id,
    const std::string& amount,
    const std::string& age,
    const std::vector<std::string>& mentions,
    const std::string& headline
);
/// A plain ephemeral reply (`response_url` / chat.postEphemeral). `text` is mrkdwn refundbot
/// composed: any user-supplied part must already have gone through escape_text.
[[nodiscard]] boost::json::object notice(std::string_view text);

/// "3 h 12 min", "2 d 4 h": how long something has waited.
[[nodiscard]] std::string format_age(std::int64_t seconds);

}  // namespace refundbot::adapters::slack
