#include "pipeline/core/timestamp.hpp"

#include <gtest/gtest.h>

namespace refundbot::pipeline::core {
namespace {

TEST(rfc3339, parses_utc_offsets_and_fractions) {
    const auto base = parse_rfc3339("2026-03-28T12:03:00Z");
    ASSERT_TRUE(base);
    EXPECT_EQ(format_rfc3339(*base), "2026-03-28T12:03:00Z");
    EXPECT_EQ(parse_rfc3339("2026-03-28T14:03:00+02:00"), base);
    EXPECT_EQ(parse_rfc3339("2026-03-28T07:33:00-04:30"), base);
    EXPECT_EQ(parse_rfc3339("2026-03-28t12:03:00z"), base);
    const auto frac = parse_rfc3339("2026-03-28T12:03:00.250Z");
    ASSERT_TRUE(frac);
    EXPECT_EQ(*frac - *base, std::chrono::milliseconds(250));
    EXPECT_EQ(format_rfc3339(*frac), "2026-03-28T12:03:00.250Z");
}

TEST(rfc3339, rejects_malformed_and_impossible_times) {
    for (const char* bad :
         {"2026-03-28",
          "2026-03-28 12:03:00Z",
          "2026-03-28T12:03:00",
          "2026-13-01T00:00:00Z",
          "2026-02-30T00:00:00Z",
          "2026-03-28T24:00:00Z",
          "2026-03-28T12:60:00Z",
          "2026-03-28T12:03:00+2:00",
          "2026-03-28T12:03:00.Z",
          "2026-03-28T12:03:00Zjunk",
          "",
          "yesterday"}) {
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
    }
    EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z")) << "leap day";
}

TEST(days_between, counts_whole_days) {
    const auto a = *parse_rfc3339("2026-02-14T10:24:00Z");
    EXPECT_EQ(days_between(a, *parse_rfc3339("2026-03-16T10:24:00Z")), 30);
    EXPECT_EQ(days_between(a, *parse_rfc3339("2026-03-16T10:23:59Z")), 29);
    EXPECT_EQ(days_between(a, *parse_rfc3339("2026-02-13T10:24:00Z")), -1);
}

}  // namespace
}  // namespace refundbot::pipeline::core
