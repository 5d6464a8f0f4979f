#include "pipeline/core/text.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace refundbot::pipeline::core {
namespace {

TEST(fold_text, lowercases_strips_accents_and_punctuation) {
    EXPECT_EQ(fold_text("Arrived DAMAGED!!!  Seam   ripped..."), "arrived damaged seam ripped");
    EXPECT_EQ(
        fold_text("Besch\xc3\xa4"
                  "digt, NICHT angekommen"),
        "beschadigt nicht angekommen"
    );
    EXPECT_EQ(
        fold_text("No me lleg\xc3\xb3"
                  " el pedido"),
        "no me llego el pedido"
    );
    EXPECT_EQ(fold_text("didn't arrive"), "didn't arrive");
}

TEST(mentions, matches_at_word_starts_only) {
    const auto t = fold_text("It was scratched and I paid twice");
    EXPECT_TRUE(mentions(t, {"scratch"}));
    EXPECT_FALSE(mentions(t, {"aid"}));
    EXPECT_TRUE(mentions(t, {"nothing", "paid twice"}));
}

TEST(fill_placeholders, replaces_every_placeholder_and_names_a_missing_one) {
    EXPECT_EQ(
        fill_placeholders("We refunded {{amount}} for {{amount}}.", {{"amount", "29.00 USD"}}),
        "We refunded 29.00 USD for 29.00 USD."
    );
    EXPECT_EQ(fill_placeholders("no placeholders", {}), "no placeholders");
    try {
        (void)fill_placeholders("Hello {{name}}", {{"amount", "1"}});
        ADD_FAILURE() << "a placeholder without a value must throw";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "no value for placeholder {{name}}");
    }
    EXPECT_THROW((void)fill_placeholders("Hello {{name", {}), std::invalid_argument);
}

}  // namespace
}  // namespace refundbot::pipeline::core
