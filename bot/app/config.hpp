#pragma once

#include "adapters/llm/model_reasoner.hpp"
#include "adapters/llm/settings.hpp"
#include "adapters/postgres/settings.hpp"
#include "adapters/shopify/orders.hpp"
#include "adapters/slack/web_api.hpp"
#include "adapters/stripe/processor.hpp"
#include "adapters/telemetry/log.hpp"
#include "adapters/zendesk/tickets.hpp"
#include "bot/handlers/intake_webhook.hpp"
#include "bot/orchestrator/job_workers.hpp"
#include "bot/server/http_server.hpp"
#include "pipeline/approval/authority.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::bot::app {

enum class run_mode { production, sandbox };

/// The Slack app: Web API access, request signing, channels. Off until a bot token is set.
struct slack_config {
    adapters::slack::slack_settings api;
    pipeline::core::secret signing_secret;
    std::chrono::seconds signature_tolerance{300};
    std::string review_channel;
    std::string summary_channel;
    std::string alerts_channel;  ///< failed refunds, disputes; empty: only the card's thread
    /// Sandbox mode with a review channel but no bot token: the bot talks to the
    /// Slack-compatible sink it serves itself, and the review console at /sandbox plays Slack.
    bool sandboxed = false;

    [[nodiscard]] bool enabled() const { return !api.bot_token.empty(); }
    /// Cards are posted and clicks accepted, to real Slack or the sandbox's.
    [[nodiscard]] bool active() const { return enabled() || sandboxed; }
};

/// Stripe: refunds (when a secret key is set; else the sandbox processor) and its webhooks
/// (when an endpoint secret is set).
struct stripe_config {
    adapters::stripe::stripe_settings api;
    pipeline::core::secret webhook_secret;
    std::chrono::seconds signature_tolerance{300};
    bool verify_refundable = false;
    std::chrono::seconds reconcile_after{900};

    [[nodiscard]] bool enabled() const { return !api.secret_key.empty(); }
};

/// Who reviews, and when reviews are chased.
struct review_config {
    pipeline::approval::authority_settings authority;
    std::chrono::seconds remind_after{4 * 3600};
    std::chrono::seconds escalate_after{24 * 3600};
};

/// The managers' daily post (to slack.summary_channel).
struct summary_config {
    std::string time = "09:00";    ///< HH:MM local time
    std::string timezone = "UTC";  ///< IANA name
};

/// The Zendesk trigger (POST /webhooks/zendesk).
struct zendesk_webhook_config {
    pipeline::core::secret secret;  ///< the webhook's signing secret; empty: off
    std::chrono::seconds tolerance{300};
    std::string default_currency = "USD";  ///< for tickets without a currency field
};

/// Shopify webhooks (POST /webhooks/shopify).
struct shopify_config {
    pipeline::core::secret webhook_secret;    ///< the app's client secret; empty: off
    std::string shop_currency = "USD";        ///< returns carry no currency; the shop has one
    adapters::shopify::admin_settings admin;  ///< order lookups when admin_url and a token are set
};

/// The order lookup that completes partial orders and adds delivery and customer facts.
struct enrich_config {
    std::string order_lookup_url;  ///< empty: no lookup
    pipeline::core::secret order_lookup_token;
    std::chrono::milliseconds order_lookup_timeout{3'000};
};

/// The reasoner: the offline rules (default) or a language model behind them.
struct llm_config {
    std::string provider = "rules";  ///< rules, openai, anthropic
    adapters::llm::model_settings model;
    adapters::llm::reasoner_settings guardrails;  ///< prompts are filled in at start
    std::chrono::milliseconds timeout{15'000};    ///< per HTTP attempt
    int max_attempts = 2;                         ///< HTTP attempts per call (429, 5xx, 529)
    [[nodiscard]] bool uses_model() const { return provider != "rules"; }
};

/// Everything the service reads at start, already validated. Adapters receive the parts they
/// need as plain settings structs; only bot/app knows this type.
struct config {
    std::string source = "(defaults)";  ///< the file read, for messages
    run_mode mode = run_mode::production;
    server::server_settings http;
    std::size_t io_threads = 2;
    std::chrono::milliseconds shutdown_grace{10'000};
    adapters::postgres::database_settings db;
    handlers::intake_settings intake;
    orchestrator::worker_settings jobs;
    slack_config slack;
    stripe_config stripe;
    adapters::zendesk::zendesk_settings zendesk;  ///< ticket updates when enabled()
    zendesk_webhook_config zendesk_webhook;
    shopify_config shopify;
    enrich_config enrich;
    llm_config llm;
    review_config review;
    summary_config summary;
    std::string policy_file = "deploy/policy.example.json";
    bool auto_migrate = true;
    adapters::telemetry::log_level log_level = adapters::telemetry::log_level::info;
    adapters::telemetry::log_format log_format = adapters::telemetry::log_format::automatic;
};

/// Reads environment variables; tests pass their own.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;
[[nodiscard]] env_lookup process_environment();

/// The config, or every problem found, one line each, naming file, line and key:
/// `config.toml:12 http.port: expected integer 1-65535, got "80a"`.
struct config_result {
    std::optional<config> value;
    std::vector<std::string> errors;
};

/// Loads `path` (or only defaults when empty), then applies `REFUNDBOT_<SECTION>_<KEY>`
/// overrides from `env`. Secrets are accepted only from the environment or a `<key>_file`.
[[nodiscard]] config_result load_config(
    const std::optional<std::string>& path, const env_lookup& env
);

/// The config file to use: `explicit_path`, else `$REFUNDBOT_CONFIG`, else none.
[[nodiscard]] std::optional<std::string> config_path(
    const std::optional<std::string>& explicit_path, const env_lookup& env
);

}  // namespace refundbot::bot::app
