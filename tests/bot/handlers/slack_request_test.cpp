// Slack request signing against Slack's published test vector, and form decoding.
#include "bot/handlers/slack_request.hpp"

#include <gtest/gtest.h>

namespace refundbot {
namespace {

using namespace bot::handlers;
using namespace std::chrono_literals;

const pipeline::core::secret secret("8f742231b10e8888abcd99yyyzzz85a5");
constexpr std::string_view vector_ts = "1531420618";
constexpr std::string_view vector_body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr std::string_view vector_signature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

std::chrono::system_clock::time_point at(std::int64_t s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

TEST(slack_signature, matches_slacks_published_test_vector) {
    EXPECT_EQ(sign_slack_request(secret.reveal(), 1531420618, vector_body), vector_signature);
    const auto r = verify_slack_signature(
        vector_ts, vector_signature, vector_body, secret, at(1531420618), 300s
    );
    EXPECT_EQ(r.status, signature_status::ok) << r.message;
}

TEST(slack_signature, matches_the_derived_empty_body_vector) {
    EXPECT_EQ(
        sign_slack_request(secret.reveal(), 1531420618, ""),
        "v0=55f41ec73231010289b54e669149ea021fccab11b5524355523533ce930cb739"
    );
}

TEST(slack_signature, rejects_a_stale_timestamp_either_way) {
    for (const auto now : {1531420618 + 301, 1531420618 - 301}) {
        const auto r =
            verify_slack_signature(vector_ts, vector_signature, vector_body, secret, at(now), 300s);
        EXPECT_EQ(r.status, signature_status::stale);
        EXPECT_EQ(r.error, "stale_timestamp");
    }
}

TEST(slack_signature, rejects_a_tampered_body_and_a_wrong_secret) {
    std::string tampered(vector_body);
    tampered.replace(tampered.find("text="), 5, "text=x");
    EXPECT_EQ(
        verify_slack_signature(vector_ts, vector_signature, tampered, secret, at(1531420618), 300s)
            .status,
        signature_status::mismatch
    );
    EXPECT_EQ(
        verify_slack_signature(
            vector_ts,
            vector_signature,
            vector_body,
            pipeline::core::secret("another"),
            at(1531420618),
            300s
        )
            .status,
        signature_status::mismatch
    );
}

TEST(slack_signature, names_missing_and_malformed_headers) {
    EXPECT_EQ(
        verify_slack_signature(
            std::nullopt, vector_signature, vector_body, secret, at(1531420618), 300s
        )
            .status,
        signature_status::missing
    );
    EXPECT_EQ(
        verify_slack_signature("12x", vector_signature, vector_body, secret, at(1531420618), 300s)
            .status,
        signature_status::malformed
    );
    EXPECT_EQ(
        verify_slack_signature(vector_ts, "v1=abc", vector_body, secret, at(1531420618), 300s)
            .status,
        signature_status::malformed
    );
}

TEST(form, decodes_plus_and_percent_twenty_as_spaces) {
    const auto form = parse_form("payload=%7B%22a%22%3A%22x+y%20z%22%7D&text=&b=1");
    ASSERT_TRUE(form);
    EXPECT_EQ(form_value(*form, "payload"), R"({"a":"x y z"})");
    EXPECT_EQ(form_value(*form, "text"), "");
    EXPECT_EQ(form_value(*form, "b"), "1");
    EXPECT_FALSE(form_value(*form, "c"));
    EXPECT_FALSE(parse_form("a=%zz"));
    EXPECT_FALSE(parse_form("a=%4"));
}

TEST(form, the_vector_body_decodes_to_the_slash_command_fields) {
    const auto form = parse_form(vector_body);
    ASSERT_TRUE(form);
    EXPECT_EQ(form_value(*form, "command"), "/webhook-collect");
    EXPECT_EQ(
        form_value(*form, "response_url"),
        "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
    );
}

}  // namespace
}  // namespace refundbot
