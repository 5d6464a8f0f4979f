// What customers read: every text renders with the values the helpdesk job gives it, stays
// short, and says nothing about risk, fraud suspicion, scores or the AI.
#include "pipeline/core/text.hpp"

#include "templates/templates.hpp"
#include <gtest/gtest.h>

#include <cctype>

namespace refundbot {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

TEST(customer_texts, render_short_and_reveal_nothing_internal) {
    const std::map<std::string, std::string> values{
        {"amount", "29.00 USD"}, {"reason", "the request falls outside our refund policy."}};
    for (const auto* name :
         {"refunded",
          "denied",
          "evidence_requested",
          "replacement_offered",
          "store_credit_offered",
          "in_review"}) {
        const auto text = pipeline::core::fill_placeholders(
            templates::get(std::string("customer/") + name + ".txt"), values
        );
        EXPECT_LT(text.size(), 600U) << name;
        EXPECT_TRUE(text.starts_with("Hello,")) << name;
        const auto folded = lower(text);
        for (const auto* word :
             {"risk", "score", "fraud", " ai ", "model", "confidence", "internal"}) {
            EXPECT_EQ(folded.find(word), std::string::npos) << name << " mentions " << word;
        }
    }
    EXPECT_NE(
        pipeline::core::fill_placeholders(templates::get("customer/refunded.txt"), values)
            .find("refunded 29.00 USD"),
        std::string::npos
    );
    EXPECT_NE(
        pipeline::core::fill_placeholders(templates::get("customer/denied.txt"), values)
            .find("outside our refund policy"),
        std::string::npos
    );
}

}  // namespace
}  // namespace refundbot
