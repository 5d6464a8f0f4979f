// Logging is the behaviour under test here, so these tests read the log text (style.md 6.12).
#include "adapters/telemetry/log.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace refundbot::adapters::telemetry {
namespace {

class log_capture : public ::testing::Test {
protected:
    std::ostringstream out;
    void use(log_format format, log_level level = log_level::info) {
        init_logging(level, format, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    }
    void TearDown() override { init_logging(log_level::info, log_format::automatic); }
};

TEST_F(log_capture, json_lines_carry_level_message_request_id_and_fields) {
    use(log_format::json);
    logger("http").info(
        "request",
        {{"request_id", "abc123"}, {"status", 404}, {"duration_ms", 1.5}, {"cached", false}}
    );
    const auto line = out.str();
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
    const auto v = boost::json::parse(line).as_object();
    EXPECT_EQ(v.at("level").as_string(), "info");
    EXPECT_EQ(v.at("logger").as_string(), "http");
    EXPECT_EQ(v.at("message").as_string(), "request");
    EXPECT_EQ(v.at("request_id").as_string(), "abc123");
    EXPECT_EQ(v.at("fields").at("status").as_int64(), 404);
    EXPECT_EQ(v.at("fields").at("duration_ms").as_double(), 1.5);
    EXPECT_EQ(v.at("fields").at("cached").as_bool(), false);
    EXPECT_TRUE(v.at("timestamp").as_string().ends_with("Z"));
    EXPECT_NE(line.find("\"duration_ms\":1.5"), std::string::npos) << line;
}

TEST_F(log_capture, text_lines_are_readable) {
    use(log_format::text);
    logger("pg").warn("pool exhausted", {{"waiting", 3}});
    EXPECT_NE(out.str().find("warn [pg] pool exhausted waiting=3"), std::string::npos) << out.str();
}

TEST_F(log_capture, secrets_and_emails_never_reach_the_output) {
    use(log_format::json);
    logger("app").error(
        "failed for alex@example.com with postgresql://rb:hunter2@db/rb",
        {{"token", "xoxb-1234-5678-secretvalue"}, {"header", "Bearer abcdefghijklmnop"}}
    );
    const auto text = out.str();
    EXPECT_EQ(text.find("alex@example.com"), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("secretvalue"), std::string::npos) << text;
    EXPECT_EQ(text.find("abcdefghijklmnop"), std::string::npos) << text;
    EXPECT_NE(text.find("[email]"), std::string::npos) << text;
}

TEST_F(log_capture, messages_below_the_level_are_dropped) {
    use(log_format::json, log_level::warn);
    const logger l("app");
    l.info("not shown");
    l.warn("shown");
    EXPECT_EQ(out.str().find("not shown"), std::string::npos);
    EXPECT_NE(out.str().find("shown"), std::string::npos);
    EXPECT_FALSE(l.enabled(log_level::info));
}

}  // namespace
}  // namespace refundbot::adapters::telemetry
