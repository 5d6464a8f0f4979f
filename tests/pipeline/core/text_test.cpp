#include "pipeline/core/text.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace refundbot::pipeline::core
