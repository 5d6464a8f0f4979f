#include "pipeline/core/json_reader.hpp"

#include <boost/json/value.hpp>
#include <gtest/gtest.h>

namespace refundbot::pipeline::core {
namespace {

TEST(parse_json_text, a_syntax_error_names_the_offset) {
    json_errors errors;
    EXPECT_FALSE(parse_json_text(R"({"a": })", errors));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].rfind("(document): invalid JSON at offset 6", 0), 0u) << errors[0];
}

TEST(parse_json_text, a_nul_character_in_a_value_or_key_is_refused_by_path) {
    json_errors errors;
    EXPECT_FALSE(parse_json_text(
        R"({"order": {"items": [{"sku": "A\u0000B"}]}, "meta\u0000": "x", "ok": "fine"})", errors
    ));
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(
        errors[0], "order.items[0].sku: contains a NUL character (\\u0000), which cannot be stored"
    );
    EXPECT_EQ(errors[1].rfind("meta", 0), 0u) << errors[1];
}

TEST(parse_json_text, other_control_characters_and_escapes_pass) {
    json_errors errors;
    const auto doc = parse_json_text(R"({"a": "tab\there \u0001 \"quoted\" \u00e9"})", errors);
    ASSERT_TRUE(doc) << errors.front();
    EXPECT_EQ(doc->at("a").as_string(), "tab\there \x01 \"quoted\" \xc3\xa9");
}

}  // namespace
}  // namespace refundbot::pipeline::core
