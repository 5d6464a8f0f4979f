#include "pipeline/core/redact.hpp"

#include <gtest/gtest.h>

namespace refundbot::pipeline::core {
namespace {

struct redact_case {
    std::string input;
    std::string expected;
};

class redact_cases : public ::testing::TestWithParam<redact_case> {};

TEST_P(redact_cases, masks_secrets_and_pii) {
    EXPECT_EQ(redact(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    redact,
    redact_cases,
    ::testing::Values(
        redact_case{"customer alex@example.com asked", "customer [email] asked"},
        redact_case{"to=alex.b+tag@mail.example.co.uk;", "to=[email];"},
        redact_case{
            "postgresql://refundbot:s3cret@db:5432/rb", "postgresql://refundbot:***@db:5432/rb"},
        redact_case{"host=db password=s3cret dbname=rb", "host=db password=*** dbname=rb"},
        redact_case{"password='a b c' user=x", "password=*** user=x"},
        redact_case{"?password=p%40ss&connect_timeout=5", "?password=***&connect_timeout=5"},
        redact_case{"Authorization: Bearer abcdef123456", "Authorization: Bearer ***"},
        redact_case{"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
        redact_case{"token xoxb-1234-5678-abcdef", "token xoxb-***"},
        redact_case{"key sk_live_51Habcdefghij", "key sk_live_***"},
        redact_case{"openai sk-proj-abcdefghijkl", "openai sk-***"},
        redact_case{"whsec_abcdefghijk", "whsec_***"},
        redact_case{"sig t=1700000000,v1=0123456789abcdef0123", "sig t=1700000000,v1=***"},
        redact_case{"slack v0=a1b2c3d4e5f6a7b8c9d0", "slack v0=***"}
    )
);

TEST(redact, leaves_ordinary_text_alone) {
    const std::string text =
        "risk-score 0.25 for customer_id cus_8821 order ord_55419 at 2026-03-28T12:03:00Z; "
        "task-force v1=short user@localhost";
    EXPECT_EQ(redact(text), text);
}

TEST(redact, handles_empty_and_boundary_input) {
    EXPECT_EQ(redact(""), "");
    EXPECT_EQ(redact("@"), "@");
    EXPECT_EQ(redact("a@b."), "a@b.");
    EXPECT_EQ(redact("password="), "password=***");
}

}  // namespace
}  // namespace refundbot::pipeline::core

namespace refundbot::pipeline::core {
namespace {

TEST(mask_personal_data, hides_emails_phone_and_card_numbers_but_not_dates_amounts_or_ids) {
    EXPECT_EQ(
        mask_personal_data("Mail jane.doe@example.com or call +1 (415) 555-0100 / 0612345678."),
        "Mail [email] or call [phone] / [phone]."
    );
    EXPECT_EQ(
        mask_personal_data("card 4111 1111 1111 1111, also 4111-1111-1111-1111"),
        "card [card], also [card]"
    );
    EXPECT_EQ(
        mask_personal_data("Order ord_55419 of 2026-11-20 10:30 was $129.99, ticket 48213"),
        "Order ord_55419 of 2026-11-20 10:30 was $129.99, ticket 48213"
    );
    EXPECT_EQ(mask_personal_data("sku ABC4111111111111111"), "sku ABC4111111111111111");
}

}  // namespace
}  // namespace refundbot::pipeline::core
