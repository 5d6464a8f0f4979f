// Block Kit rendering: user text cannot inject markup or break the JSON, and limits hold.
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/cards.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace refundbot {
namespace {

namespace json = boost::json;
namespace slack = adapters::slack;

TEST(block_kit, escapes_slack_control_characters_ampersand_first) {
    EXPECT_EQ(slack::escape_text("<@U1> & <!channel>"), "&lt;@U1&gt; &amp; &lt;!channel&gt;");
}

TEST(block_kit, truncates_by_characters_without_splitting_utf8_or_entities) {
    EXPECT_EQ(slack::truncate_text("abcdef", 4), "abc\xE2\x80\xA6");
    EXPECT_EQ(slack::truncate_text("abc", 3), "abc");
    EXPECT_EQ(slack::truncate_text("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
    EXPECT_EQ(slack::truncate_text("ab&amp;cd", 5), "ab\xE2\x80\xA6");
}

TEST(block_kit, substitutes_inside_strings_so_input_cannot_change_the_structure) {
    const auto tpl = json::parse(R"({"text": "Hi {{name}}", "raw": "{{&link}}",
        "list": [{"$each": "items", "$item": {"t": "{{label}}"}},
                 {"$if": "flag", "$then": "on"}, {"$unless": "flag", "$then": "off"}]})");
    const json::object ctx{
        {"name", R"(", "blocks": [] } <@U1>)"},
        {"link", "<https://x|y>"},
        {"items", json::array{json::object{{"label", "a"}}, json::object{{"label", "b"}}}},
        {"flag", false}};
    const auto out = slack::render_template(tpl, ctx).as_object();
    EXPECT_EQ(out.at("text").as_string(), R"(Hi ", "blocks": [] } &lt;@U1&gt;)");
    EXPECT_EQ(out.at("raw").as_string(), "<https://x|y>");
    EXPECT_EQ(json::serialize(out.at("list")), R"([{"t":"a"},{"t":"b"},"off"])");
}

TEST(block_kit, cuts_a_message_to_slacks_limits) {
    json::array blocks;
    blocks.push_back(json::object{
        {"type", "header"},
        {"text", json::object{{"type", "plain_text"}, {"text", std::string(400, 'h')}}}});
    json::array fields;
    for (int i = 0; i < 14; ++i) {
        fields.push_back(json::object{{"type", "mrkdwn"}, {"text", std::string(2500, 'f')}});
    }
    blocks.push_back(json::object{{"type", "section"}, {"fields", fields}});
    for (int i = 0; i < 60; ++i) {
        blocks.push_back(json::object{{"type", "divider"}});
    }
    json::object message{{"text", "fallback"}, {"blocks", blocks}};
    slack::apply_limits(message, slack::surface::message);
    const auto& out = message.at("blocks").as_array();
    EXPECT_EQ(out.size(), 50U);
    EXPECT_EQ(
        out[0].at("text").at("text").as_string().size(), 149U + 3U
    );  // 149 + a 3-byte ellipsis
    EXPECT_EQ(out[1].at("fields").as_array().size(), 10U);
    json::object no_fallback{{"blocks", json::array{}}};
    EXPECT_THROW(slack::apply_limits(no_fallback, slack::surface::message), std::invalid_argument);
}

TEST(cards, the_review_card_quotes_customer_text_escaped_and_offers_the_right_buttons) {
    auto request = *pipeline::model::parse_refund_request(
                        json::parse(tests::read_source_file("tests/data/seed/case_b_request.json"))
    )
                        .value;
    request.refund.reason_text = "Not as described <!channel> & <https://evil|click>";
    const auto report = json::parse(
        R"({"policy_version":"p1","rules":[{"rule":"within_refund_window","status":"PASS","reason":"ok"},
        {"rule":"manual_review_amount","status":"FAIL","reason":"350.00 USD is above"}],
        "risk":{"score":0.1,"signals":[{"signal":"amount_ratio","contribution":0.05,"detail":"350 of 350"}]},
        "reasoner":"rules","decision":{"decision":"ESCALATE","confidence":0.82,"category":"NOT_AS_DESCRIBED",
        "reasoning_summary":"Item not as described","recommended_actions":[{"type":"OFFER_REPLACEMENT"}]}})"
    );
    slack::review_view view;
    view.confirm_approve = true;
    const auto card = slack::review_card(request, report, view);
    const auto text = json::serialize(card);
    EXPECT_NE(text.find("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;"), std::string::npos);
    EXPECT_EQ(text.find("<!channel>"), std::string::npos);
    EXPECT_NE(text.find("Customer-provided text"), std::string::npos);
    EXPECT_NE(text.find("\xE2\x9C\x97 manual_review_amount"), std::string::npos);
    EXPECT_FALSE(card.at("text").as_string().empty());
    std::vector<std::string> actions;
    for (const auto& b : card.at("blocks").as_array()) {
        if (b.at("type") == "actions") {
            for (const auto& e : b.at("elements").as_array()) {
                actions.emplace_back(e.at("action_id").as_string());
                if (e.at("action_id") == "refund_approve") {
                    EXPECT_TRUE(e.as_object().contains("confirm"));
                }
            }
        }
    }
    EXPECT_EQ(
        actions,
        (std::vector<std::string>{
            "refund_approve",
            "refund_deny",
            "refund_request_evidence",
            "refund_offer_replacement",
            "refund_offer_store_credit"})
    );
    const auto resolved =
        slack::resolved_card(request, {"Refunded", "U123ABC", "2026-11-24T10:00:00Z", "re_1", ""});
    EXPECT_EQ(json::serialize(resolved).find("\"actions\""), std::string::npos);
    EXPECT_NE(json::serialize(resolved).find("<@U123ABC>"), std::string::npos);
}

TEST(cards, in_shadow_mode_the_review_card_shows_what_the_bot_would_have_done) {
    const auto request =
        *pipeline::model::parse_refund_request(
             json::parse(tests::read_source_file("tests/data/seed/case_a_request.json"))
        )
             .value;
    const auto report_for = [](const char* mode) {
        return json::parse(
            std::string(R"({"policy_version":"p1","rules":[],"risk":{"score":0.1,"signals":[]},
            "reasoner":"rules","decision":{"decision":"APPROVE","confidence":0.9,"category":"DAMAGED_ITEM",
            "reasoning_summary":"ok","recommended_actions":[]},"autonomy":{"mode":")") +
            mode + R"(","segment":"small-apparel","category":"apparel","amount_band":"0-75",
            "source":"zendesk","bot_route":"AUTO_APPROVE"}})"
        );
    };
    const auto shadow = json::serialize(slack::review_card(request, report_for("shadow"), {}));
    EXPECT_NE(
        shadow.find(
            "Shadow mode (segment small-apparel): on its own the bot would have routed this "
            "to *AUTO_APPROVE*"
        ),
        std::string::npos
    ) << shadow;
    const auto live = json::serialize(slack::review_card(request, report_for("live"), {}));
    EXPECT_EQ(live.find("Shadow mode"), std::string::npos);
}

}  // namespace
}  // namespace refundbot
