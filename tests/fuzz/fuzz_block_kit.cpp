// The Block Kit renderer fed arbitrary customer text: the review card must stay within
// Slack's limits and must never carry a live mention, broadcast or link made of that text.
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/cards.hpp"
#include "pipeline/model/refund_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

const refundbot::pipeline::model::refund_request& base_request() {
    static const auto r = *refundbot::pipeline::model::parse_refund_request(
                               boost::json::parse(
                                   R"({"request_id":"rf_1","source":"helpdesk","ticket_id":"T-1",
        "customer":{"customer_id":"cus_1"},"order":{"order_id":"ord_1","currency":"USD",
        "total":350.00,"items":[{"sku":"S","category":"apparel","final_sale":false,"price":350.00}],
        "delivered_at":"2026-03-18T10:00:00Z","payment":{"processor":"stripe","payment_intent_id":"pi_1"}},
        "refund":{"amount_requested":350.00,"reason_text":"x"},"created_at":"2026-03-28T12:00:00Z"})"
                               )
    )
                               .value;
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto request = base_request();
    request.refund.reason_text = text;
    request.customer.customer_id = text.substr(0, 64);
    request.ticket_id = text.substr(0, 64);
    boost::json::object decision{
        {"decision", "ESCALATE"},
        {"confidence", 0.5},
        {"category", "OTHER"},
        {"reasoning_summary", text}};
    const boost::json::object report{
        {"policy_version", "p1"},
        {"rules",
         boost::json::array{
             {{"rule", "manual_review_amount"}, {"status", "FAIL"}, {"reason", text}}}},
        {"risk", {{"score", 0.1}, {"signals", boost::json::array{}}}},
        {"reasoner", "rules"},
        {"decision", decision}};
    const auto card = adapters::slack::review_card(request, report, {});
    const auto out = boost::json::serialize(card);
    // Customer text is escaped, so no '<' it contains survives into the card.
    if (out.find('<') != std::string::npos || card.at("blocks").as_array().size() > 50) {
        std::abort();
    }
    return 0;
}
