#include "pipeline/core/money.hpp"

#include <gtest/gtest.h>

namespace refundbot::pipeline::core {
namespace {

TEST(currency_exponent, knows_the_iso_4217_decimals) {
    EXPECT_EQ(currency_exponent("USD"), 2);
    EXPECT_EQ(currency_exponent("EUR"), 2);
    EXPECT_EQ(currency_exponent("JPY"), 0);
    EXPECT_EQ(currency_exponent("KRW"), 0);
    EXPECT_EQ(currency_exponent("KWD"), 3);
    EXPECT_EQ(currency_exponent("BHD"), 3);
    EXPECT_EQ(currency_exponent("usd"), std::nullopt);
    EXPECT_EQ(currency_exponent("XXX"), std::nullopt);
    EXPECT_EQ(currency_exponent(""), std::nullopt);
}

struct amount_case {
    std::string text;
    int exponent;
    std::optional<std::int64_t> minor;
    std::string error;
};

class minor_units : public ::testing::TestWithParam<amount_case> {};

TEST_P(minor_units, parse_exactly_or_explain) {
    const auto& c = GetParam();
    std::string error;
    EXPECT_EQ(parse_minor_units(c.text, c.exponent, error), c.minor) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    money,
    minor_units,
    ::testing::Values(
        amount_case{"49", 2, 4900, ""},
        amount_case{"49.5", 2, 4950, ""},
        amount_case{"49.00", 2, 4900, ""},
        amount_case{"0.07", 2, 7, ""},
        amount_case{"129.000", 2, 12900, ""},
        amount_case{"5000", 0, 5000, ""},
        amount_case{"5000.0", 0, 5000, ""},
        amount_case{"1.234", 3, 1234, ""},
        amount_case{"-3.10", 2, -310, ""},
        amount_case{"49.001", 2, std::nullopt, "has 3 decimals; the currency allows 2"},
        amount_case{"1.5", 0, std::nullopt, "has 1 decimals; the currency allows 0"},
        amount_case{"1.2345", 3, std::nullopt, "has 4 decimals; the currency allows 3"},
        amount_case{"1e3", 2, std::nullopt, "expected a decimal amount, got \"1e3\""},
        amount_case{"", 2, std::nullopt, "expected a decimal amount, got \"\""},
        amount_case{"12.", 2, std::nullopt, "expected a decimal amount, got \"12.\""},
        amount_case{".5", 2, std::nullopt, "expected a decimal amount, got \".5\""},
        amount_case{"+5", 2, std::nullopt, "expected a decimal amount, got \"+5\""},
        amount_case{"12,50", 2, std::nullopt, "expected a decimal amount, got \"12,50\""},
        amount_case{"99999999999999999", 2, std::nullopt, "is too large"}
    )
);

TEST(shortest_decimal, recovers_the_written_literal_of_a_json_number) {
    EXPECT_EQ(shortest_decimal(129.0), "129");
    EXPECT_EQ(shortest_decimal(49.99), "49.99");
    EXPECT_EQ(shortest_decimal(0.1 + 0.2), "0.30000000000000004")
        << "float arithmetic shows, parsing rejects it";
    EXPECT_EQ(shortest_decimal(49.001), "49.001");
    EXPECT_EQ(shortest_decimal(611.2), "611.2");
}

TEST(format_money, uses_the_currency_exponent) {
    EXPECT_EQ(format_money({4900, "USD"}), "49.00 USD");
    EXPECT_EQ(format_money({7, "EUR"}), "0.07 EUR");
    EXPECT_EQ(format_money({5000, "JPY"}), "5000 JPY");
    EXPECT_EQ(format_money({1234, "KWD"}), "1.234 KWD");
    EXPECT_EQ(format_money({-310, "USD"}), "-3.10 USD");
}

}  // namespace
}  // namespace refundbot::pipeline::core
