#include "bot/app/config.hpp"
#include "bot/app/integrations.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace refundbot::bot::app {
namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

std::string errors_of(const config_result& r) {
    std::string out;
    for (const auto& e : r.errors) {
        out += e + "\n";
    }
    return out;
}

TEST(load_config, defaults_apply_without_a_file) {
    const auto r = load_config(std::nullopt, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_EQ(r.value->http.host, "127.0.0.1");
    EXPECT_EQ(r.value->http.port, 8080);
    EXPECT_EQ(r.value->http.max_body_bytes, 1024u * 1024u);
    EXPECT_TRUE(r.value->auto_migrate);
    EXPECT_EQ(r.value->mode, run_mode::production);
}

TEST(load_config, reads_every_section_from_the_file) {
    const auto path = tests::write_temp_file("full.toml", R"(
[service]
mode = "sandbox"
[http]
host = "0.0.0.0"
port = 9000
threads = 4
max_body_bytes = 2048
shutdown_grace_s = 3
[db]
url = "postgresql://rb@db:5432/rb"
pool_size = 3
auto_migrate = false
[log]
level = "debug"
format = "json"
)");
    const auto r = load_config(path, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_EQ(r.value->mode, run_mode::sandbox);
    EXPECT_EQ(r.value->http.host, "0.0.0.0");
    EXPECT_EQ(r.value->http.port, 9000);
    EXPECT_EQ(r.value->io_threads, 4u);
    EXPECT_EQ(r.value->http.max_body_bytes, 2048u);
    EXPECT_EQ(r.value->shutdown_grace, std::chrono::seconds(3));
    EXPECT_EQ(r.value->db.url, "postgresql://rb@db:5432/rb");
    EXPECT_EQ(r.value->db.pool_size, 3u);
    EXPECT_FALSE(r.value->auto_migrate);
    EXPECT_EQ(r.value->log_level, adapters::telemetry::log_level::debug);
    EXPECT_EQ(r.value->log_format, adapters::telemetry::log_format::json);
}

TEST(load_config, lists_every_problem_with_file_line_and_key) {
    const auto path = tests::write_temp_file("bad.toml", R"([http]
port = "80a"
threads = 0
max_body_bytes = 1.5

[db]
pool_size = true
passwrd = "x"

[log]
format = "xml"

[htp]
port = 1
)");
    const auto r = load_config(path, env_of({}));
    ASSERT_FALSE(r.value);
    const std::vector<std::string> expected = {
        path + ":2 http.port: expected integer 1-65535, got \"80a\"",
        path + ":3 http.threads: expected integer 1-256, got 0",
        path + ":4 http.max_body_bytes: expected integer 1024-67108864, got 1.5",
        path + ":7 db.pool_size: expected integer 1-512, got true",
        path + ":8 db.passwrd: unknown key",
        path + ":11 log.format: expected one of \"auto\", \"json\", \"text\", got \"xml\"",
        path + ":13 htp: unknown section",
    };
    const std::set<std::string> got(r.errors.begin(), r.errors.end());
    for (const auto& e : expected) {
        EXPECT_TRUE(got.contains(e)) << "missing: " << e << "\ngot:\n" << errors_of(r);
    }
    EXPECT_EQ(r.errors.size(), expected.size()) << errors_of(r);
}

TEST(load_config, reports_toml_syntax_errors_with_position) {
    const auto path = tests::write_temp_file("syntax.toml", "[http]\nport = \n");
    const auto r = load_config(path, env_of({}));
    ASSERT_FALSE(r.value);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_TRUE(r.errors[0].starts_with(path + ":2:")) << r.errors[0];
}

TEST(load_config, names_a_missing_file) {
    const auto r = load_config(std::string("/nonexistent/refundbot.toml"), env_of({}));
    ASSERT_FALSE(r.value);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_TRUE(r.errors[0].starts_with("/nonexistent/refundbot.toml: ")) << r.errors[0];
}

TEST(load_config, environment_overrides_the_file) {
    const auto path =
        tests::write_temp_file("env.toml", "[http]\nport = 9000\n[db]\nauto_migrate = true\n");
    const auto r = load_config(
        path,
        env_of(
            {{"REFUNDBOT_HTTP_PORT", "9100"},
             {"REFUNDBOT_DB_AUTO_MIGRATE", "false"},
             {"REFUNDBOT_LOG_LEVEL", "warn"}}
        )
    );
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_EQ(r.value->http.port, 9100);
    EXPECT_FALSE(r.value->auto_migrate);
    EXPECT_EQ(r.value->log_level, adapters::telemetry::log_level::warn);
}

TEST(load_config, names_a_bad_environment_value) {
    const auto r = load_config(std::nullopt, env_of({{"REFUNDBOT_HTTP_PORT", "80a"}}));
    ASSERT_FALSE(r.value);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "env REFUNDBOT_HTTP_PORT: expected integer 1-65535, got \"80a\"");
}

TEST(load_config, refuses_secrets_in_the_file) {
    const auto path = tests::write_temp_file("secret.toml", "[db]\npassword = \"hunter2\"\n");
    const auto r = load_config(path, env_of({}));
    ASSERT_FALSE(r.value);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(
        r.errors[0],
        path +
            ":2 db.password: secrets are not read from the config file; set "
            "REFUNDBOT_DB_PASSWORD or db.password_file"
    );
    EXPECT_EQ(r.errors[0].find("hunter2"), std::string::npos);
}

TEST(load_config, reads_secrets_from_env_and_from_files) {
    const auto secret_file = tests::write_temp_file("pw.txt", "from-file\n");
    const auto path =
        tests::write_temp_file("pwfile.toml", "[db]\npassword_file = \"" + secret_file + "\"\n");
    auto r = load_config(path, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_EQ(r.value->db.password.reveal(), "from-file");

    r = load_config(std::nullopt, env_of({{"REFUNDBOT_DB_PASSWORD", "from-env"}}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_EQ(r.value->db.password.reveal(), "from-env");

    r = load_config(std::nullopt, env_of({{"REFUNDBOT_DB_PASSWORD_FILE", "/nonexistent/pw"}}));
    ASSERT_FALSE(r.value);
    EXPECT_TRUE(r.errors[0].starts_with("env REFUNDBOT_DB_PASSWORD_FILE: cannot read"))
        << r.errors[0];
}

TEST(load_config, rejects_a_non_numeric_host) {
    const auto r = load_config(std::nullopt, env_of({{"REFUNDBOT_HTTP_HOST", "localhost"}}));
    ASSERT_FALSE(r.value);
    EXPECT_EQ(
        r.errors[0],
        "env REFUNDBOT_HTTP_HOST: expected a numeric IPv4 or IPv6 address, got \"localhost\""
    );
}

// deploy/config.example.toml documents every key; it must stay valid and complete.
TEST(load_config, reads_the_stripe_section_and_refuses_a_live_key_in_sandbox_mode) {
    const auto path = tests::write_temp_file(
        "stripe.toml",
        "[stripe]\napi_base_url = \"http://127.0.0.1:12111\"\nverify_refundable = true\n"
        "reconcile_after_s = 60\n"
    );
    auto r = load_config(
        path,
        env_of(
            {{"REFUNDBOT_STRIPE_SECRET_KEY", "sk_test_abc"},
             {"REFUNDBOT_STRIPE_WEBHOOK_SECRET", "whsec_abc"}}
        )
    );
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_TRUE(r.value->stripe.enabled());
    EXPECT_EQ(r.value->stripe.api.api_base_url, "http://127.0.0.1:12111");
    EXPECT_EQ(r.value->stripe.api.api_version, "2026-07-29.dahlia");
    EXPECT_TRUE(r.value->stripe.verify_refundable);
    EXPECT_EQ(r.value->stripe.reconcile_after, std::chrono::seconds(60));
    EXPECT_EQ(r.value->stripe.webhook_secret.reveal(), "whsec_abc");

    r = load_config(
        std::nullopt,
        env_of(
            {{"REFUNDBOT_SERVICE_MODE", "sandbox"}, {"REFUNDBOT_STRIPE_SECRET_KEY", "sk_live_abc"}}
        )
    );
    ASSERT_FALSE(r.value);
    EXPECT_EQ(
        errors_of(r), "stripe.secret_key: a live key is refused in sandbox mode (use sk_test_...)\n"
    );

    const auto plain = tests::write_temp_file(
        "stripe-plain.toml", "[stripe]\napi_base_url = \"http://api.stripe.com\"\n"
    );
    r = load_config(plain, env_of({}));
    ASSERT_FALSE(r.value);
    EXPECT_NE(errors_of(r).find("stripe.api_base_url"), std::string::npos) << errors_of(r);
}

TEST(load_config, reads_the_shopify_admin_lookup_and_names_what_is_wrong_with_it) {
    const auto path = tests::write_temp_file(
        "shopify-admin.toml",
        "[shopify]\nadmin_url = \"https://demo.myshopify.com/\"\napi_version = \"2026-07\"\n"
        "final_sale_tags = [\"Clearance\"]\n"
        "product_type_categories = { \"Gift Cards\" = \"gift_card\" }\n"
        "tag_categories = { Ebook = \"digital\" }\n"
    );
    auto r = load_config(path, env_of({{"REFUNDBOT_SHOPIFY_ACCESS_TOKEN", "shpat_abc"}}));
    ASSERT_TRUE(r.value) << errors_of(r);
    const auto& admin = r.value->shopify.admin;
    EXPECT_EQ(admin.shop_url, "https://demo.myshopify.com");
    EXPECT_EQ(admin.api_version, "2026-07");
    EXPECT_EQ(admin.access_token.reveal(), "shpat_abc");
    EXPECT_EQ(admin.categories.final_sale_tags, std::vector<std::string>{"clearance"});
    EXPECT_EQ(admin.categories.product_types.at("gift cards"), "gift_card");
    EXPECT_EQ(admin.categories.tags.at("ebook"), "digital");

    r = load_config(path, env_of({}));
    ASSERT_FALSE(r.value);
    EXPECT_NE(
        errors_of(r).find("shopify.access_token: required when shopify.admin_url is set"),
        std::string::npos
    ) << errors_of(r);

    const auto bad = tests::write_temp_file(
        "shopify-bad.toml",
        "[shopify]\napi_version = \"latest\"\ntag_categories = { Ebook = 3 }\n"
        "final_sale_tags = \"clearance\"\n"
    );
    r = load_config(bad, env_of({}));
    ASSERT_FALSE(r.value);
    const auto errors = errors_of(r);
    EXPECT_NE(
        errors.find("shopify-bad.toml:2 shopify.api_version: expected a Shopify API version"),
        std::string::npos
    ) << errors;
    EXPECT_NE(
        errors.find(":3 shopify.tag_categories: \"Ebook\": expected a policy category name, got 3"),
        std::string::npos
    ) << errors;
    EXPECT_NE(
        errors.find(":4 shopify.final_sale_tags: expected an array of product tags"),
        std::string::npos
    ) << errors;
}

TEST(load_config, reads_the_model_settings_and_names_what_is_missing_or_wrong) {
    const auto path = tests::write_temp_file(
        "llm.toml",
        "[llm]\nprovider = \"openai\"\nbase_url = \"http://127.0.0.1:11434/v1/\"\n"
        "model = \"llama3.1\"\ntoken_limit_field = \"max_tokens\"\ntemperature = 0.2\n"
        "input_price_per_mtok = \"0.15\"\noutput_price_per_mtok = \"0.6\"\n"
    );
    auto r = load_config(path, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    const auto& llm = r.value->llm;
    EXPECT_TRUE(llm.uses_model());
    EXPECT_EQ(llm.model.base_url, "http://127.0.0.1:11434/v1");
    EXPECT_EQ(llm.model.token_limit_field, "max_tokens");
    EXPECT_DOUBLE_EQ(llm.model.temperature, 0.2);
    EXPECT_EQ(llm.guardrails.input_price, 150'000) << "micro-USD per million tokens";
    EXPECT_EQ(llm.guardrails.output_price, 600'000);
    EXPECT_TRUE(llm.guardrails.mask_pii);

    r = load_config(std::nullopt, env_of({{"REFUNDBOT_LLM_PROVIDER", "anthropic"}}));
    ASSERT_FALSE(r.value);
    EXPECT_EQ(
        errors_of(r),
        "llm.model: required when llm.provider is anthropic\n"
        "llm.api_key: required for Anthropic (set REFUNDBOT_LLM_API_KEY or llm.api_key_file)\n"
    );
    EXPECT_EQ(load_config(std::nullopt, env_of({})).value->llm.provider, "rules");

    r = load_config(
        path, env_of({{"REFUNDBOT_LLM_TIMEOUT_MS", "40000"}, {"REFUNDBOT_JOBS_LEASE_S", "60"}})
    );
    ASSERT_FALSE(r.value);
    EXPECT_EQ(
        errors_of(r),
        "llm.timeout_ms: 40000 ms x 2 attempts must fit twice into jobs.lease_s (60 s), once for "
        "the repair\n"
    );

    const auto bad = tests::write_temp_file(
        "llm-bad.toml",
        "[llm]\nprovider = \"gemini\"\ntemperature = \"hot\"\ninput_price_per_mtok = 0.15\n"
    );
    r = load_config(bad, env_of({}));
    ASSERT_FALSE(r.value);
    const auto errors = errors_of(r);
    EXPECT_NE(
        errors.find(":2 llm.provider: expected \"rules\", \"openai\" or \"anthropic\""),
        std::string::npos
    ) << errors;
    EXPECT_NE(errors.find(":3 llm.temperature: expected a number from 0 to 2"), std::string::npos)
        << errors;
    EXPECT_NE(errors.find(":4 llm.input_price_per_mtok:"), std::string::npos) << errors;
}

TEST(config_example, is_valid_and_lists_every_key_with_its_default) {
    const std::string path = std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/config.example.toml";
    const auto r = load_config(path, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    const auto defaults = load_config(std::nullopt, env_of({}));
    EXPECT_EQ(r.value->http.port, defaults.value->http.port);
    EXPECT_EQ(r.value->http.max_body_bytes, defaults.value->http.max_body_bytes);
    EXPECT_EQ(r.value->db.pool_size, defaults.value->db.pool_size);
    EXPECT_EQ(r.value->shutdown_grace, defaults.value->shutdown_grace);

    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (const char* key :
         {"mode",
          "host",
          "port",
          "threads",
          "max_body_bytes",
          "max_header_bytes",
          "read_timeout_s",
          "idle_timeout_s",
          "write_timeout_s",
          "shutdown_grace_s",
          "url",
          "password_file",
          "pool_size",
          "acquire_timeout_ms",
          "connect_timeout_s",
          "statement_timeout_ms",
          "auto_migrate",
          "level",
          "format"}) {
        EXPECT_TRUE(std::regex_search(text, std::regex(std::string("(^|\\n)#? ?") + key + " = ")))
            << "deploy/config.example.toml does not document " << key;
    }
}

// What `check-config` prints, by integration name.
std::map<std::string, std::string> statuses(const config& cfg) {
    std::map<std::string, std::string> out;
    for (const auto& i : integrations(cfg)) {
        out[i.name] = i.status;
    }
    return out;
}

TEST(load_config, sandbox_mode_with_a_review_channel_plays_slack_on_loopback_only) {
    const auto sandbox = std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/sandbox.toml";
    auto r = load_config(sandbox, env_of({}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_TRUE(r.value->slack.sandboxed);
    EXPECT_TRUE(r.value->slack.active());
    EXPECT_FALSE(r.value->slack.enabled());
    auto status = statuses(*r.value);
    EXPECT_EQ(status["Slack review cards and /refund"], "sandboxed");
    EXPECT_EQ(status["Stripe refunds"], "sandboxed");
    EXPECT_EQ(status["language model"], "sandboxed");
    EXPECT_EQ(status["Zendesk ticket updates"], "off");

    // The console signs Slack requests for whoever reaches it.
    r = load_config(sandbox, env_of({{"REFUNDBOT_HTTP_HOST", "0.0.0.0"}}));
    ASSERT_FALSE(r.value);
    EXPECT_NE(
        errors_of(r).find("http.host: sandbox mode without a Slack bot token"), std::string::npos
    ) << errors_of(r);

    // A real token makes Slack live, even in sandbox mode.
    r = load_config(
        sandbox,
        env_of({{"REFUNDBOT_SLACK_BOT_TOKEN", "xoxb-1"}, {"REFUNDBOT_SLACK_SIGNING_SECRET", "s"}})
    );
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_FALSE(r.value->slack.sandboxed);
    EXPECT_EQ(statuses(*r.value)["Slack review cards and /refund"], "live");

    // Production mode never plays Slack.
    r = load_config(sandbox, env_of({{"REFUNDBOT_SERVICE_MODE", "production"}}));
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_FALSE(r.value->slack.active());
}

TEST(load_config, an_empty_secret_counts_as_not_set) {
    // As a k8s Secret template or an env file with a blank line leaves them.
    const auto r = load_config(
        std::nullopt,
        env_of(
            {{"REFUNDBOT_INTAKE_SIGNING_SECRET", ""},
             {"REFUNDBOT_SLACK_BOT_TOKEN", ""},
             {"REFUNDBOT_STRIPE_WEBHOOK_SECRET", ""}}
        )
    );
    ASSERT_TRUE(r.value) << errors_of(r);
    EXPECT_TRUE(r.value->intake.secrets.empty());
    EXPECT_FALSE(r.value->slack.enabled());
    EXPECT_TRUE(r.value->stripe.webhook_secret.empty());
}

}  // namespace
}  // namespace refundbot::bot::app
