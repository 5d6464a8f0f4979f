// The composition root: the only place that reads config and builds adapters from it.
#include "bot/app/commands.hpp"

#include "adapters/crypto/crypto.hpp"
#include "adapters/http/client.hpp"
#include "adapters/orders/first_answer.hpp"
#include "adapters/orders/http_lookup.hpp"
#include "adapters/postgres/database.hpp"
#include "adapters/postgres/execution_store.hpp"
#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/request_store.hpp"
#include "adapters/shopify/orders.hpp"
#include "adapters/slack/web_api.hpp"
#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"
#include "bot/app/config.hpp"
#include "bot/app/integrations.hpp"
#include "bot/app/model_stack.hpp"
#include "bot/app/version.hpp"
#include "bot/handlers/health.hpp"
#include "bot/handlers/intake_webhook.hpp"
#include "bot/handlers/metrics.hpp"
#include "bot/handlers/shopify_webhook.hpp"
#include "bot/handlers/slack_endpoints.hpp"
#include "bot/handlers/stripe_webhook.hpp"
#include "bot/handlers/zendesk_webhook.hpp"
#include "bot/orchestrator/helpdesk_jobs.hpp"
#include "bot/orchestrator/job_workers.hpp"
#include "bot/orchestrator/payment_jobs.hpp"
#include "bot/orchestrator/slack_review_jobs.hpp"
#include "bot/sandbox/console.hpp"
#include "bot/sandbox/slack_sink.hpp"
#include "bot/server/http_server.hpp"
#include "pipeline/core/json_reader.hpp"
#include "pipeline/core/redact.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include "templates/templates.hpp"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/system/system_error.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

namespace refundbot::bot::app {

namespace asio = boost::asio;
namespace postgres = adapters::postgres;
namespace telemetry = adapters::telemetry;

namespace {

// Sandbox mode's Slack workspace: a bot token and signing secret made for this run only, the
// configured channels, and the reviewers the console can act as.
sandbox::workspace sandbox_workspace(const config& cfg) {
    sandbox::workspace ws{
        "xoxb-sandbox-" + adapters::crypto::random_hex(),
        pipeline::core::secret(adapters::crypto::random_hex()),
        cfg.slack.review_channel,
        cfg.slack.summary_channel,
        cfg.slack.alerts_channel,
        cfg.summary.timezone,
        {}};
    const auto& a = cfg.review.authority;
    for (const auto& approver : a.approvers) {
        std::string limits;
        for (const auto& [currency, minor] : approver.max) {
            limits +=
                (limits.empty() ? "" : ", ") + pipeline::core::format_money({minor, currency});
        }
        ws.users.push_back({approver.id, "approver up to " + limits});
    }
    for (const auto& id : a.viewers) {
        ws.users.push_back({id, "viewer (may use /refund, not decide)"});
    }
    ws.users.push_back({"U0SBXOUT", "not a reviewer"});
    return ws;
}

void start_logging(const config& cfg) {
    telemetry::init_logging(cfg.log_level, cfg.log_format);
}

bool migrate(const config& cfg, const telemetry::logger& log) {
    try {
        const auto outcome = postgres::apply_migrations(cfg.db, postgres::embedded_migrations());
        for (const auto& m : postgres::embedded_migrations()) {
            for (int v : outcome.applied) {
                if (v == m.version) {
                    log.info("migration applied", {{"migration", postgres::migration_label(m)}});
                }
            }
        }
        log.info(
            "schema is current",
            {{"applied_now", outcome.applied.size()}, {"already_applied", outcome.already_applied}}
        );
        return true;
    } catch (const std::exception& e) {
        log.error("migration failed", {{"error", pipeline::core::redact(e.what())}});
        return false;
    }
}

std::vector<telemetry::gauge_sample> one_sample(std::size_t value) {
    return {{{}, static_cast<double>(value)}};
}

void register_service_metrics(telemetry::metrics_registry& metrics, const postgres::database& db) {
    metrics.gauge(
        "refundbot_build_info",
        "Build information; the value is always 1.",
        {"version", "commit"},
        [] {
            return std::vector<telemetry::gauge_sample>{
                {{std::string(version()), std::string(commit())}, 1.0}};
        }
    );
    metrics.gauge(
        "refundbot_db_pool_connections",
        "Database connections by state; capacity is db.pool_size.",
        {"state"},
        [&db] {
            const auto s = db.stats();
            return std::vector<telemetry::gauge_sample>{
                {{"capacity"}, static_cast<double>(s.capacity)},
                {{"open"}, static_cast<double>(s.open)},
                {{"in_use"}, static_cast<double>(s.in_use)},
                {{"idle"}, static_cast<double>(s.open - s.in_use)},
            };
        }
    );
    metrics.gauge(
        "refundbot_db_pool_waiting",
        "Callers waiting for a free database connection.",
        {},
        [&db] { return one_sample(db.stats().waiting); }
    );
    metrics.counter_callback(
        "refundbot_db_pool_acquire_timeouts_total",
        "Times no database connection became free within db.acquire_timeout_ms.",
        {},
        [&db] { return one_sample(db.stats().acquire_timeouts); }
    );
    metrics.counter_callback(
        "refundbot_db_pool_broken_connections_total",
        "Database connections dropped because they broke (e.g. a server restart).",
        {},
        [&db] { return one_sample(db.stats().dropped_broken); }
    );
}

}  // namespace

// Loads the config or prints every problem; nullopt means "exit 2".
std::optional<config> load_or_report(const std::optional<std::string>& config_file) {
    const auto env = process_environment();
    auto result = load_config(config_path(config_file, env), env);
    if (!result.value) {
        for (const auto& e : result.errors) {
            std::cerr << e << '\n';
        }
        std::cerr << "refundbot: invalid configuration (" << result.errors.size() << " problem"
                  << (result.errors.size() == 1 ? "" : "s") << ")\n";
    }
    return std::move(result.value);
}

// Reads the policy file; problems go to stderr as `file: json.path: message`.
std::optional<pipeline::policy::refund_policy> load_policy(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << file << ": cannot read the policy file (policy.file)\n";
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    pipeline::core::json_errors errors;
    const auto doc = pipeline::core::parse_json_text(ss.str(), errors);
    auto parsed = doc ? pipeline::policy::parse_policy(*doc)
                      : pipeline::core::parsed<pipeline::policy::refund_policy>{};
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
    for (const auto& e : errors) {
        std::cerr << file << ": " << e << '\n';
    }
    return std::move(parsed.value);
}

int run_serve(const std::optional<std::string>& config_file) {
    const auto cfg = load_or_report(config_file);
    if (!cfg) {
        return exit_usage;
    }
    const auto policy = load_policy(cfg->policy_file);
    if (!policy) {
        return exit_usage;
    }
    start_logging(*cfg);
    const telemetry::logger log("app");
    log.info(
        "starting refundbot",
        {{"version", version()},
         {"commit", commit()},
         {"mode", cfg->mode == run_mode::sandbox ? "sandbox" : "production"},
         {"config", cfg->source}}
    );

    if (cfg->auto_migrate && !migrate(*cfg, log)) {
        return exit_failure;
    }

    telemetry::metrics_registry metrics;
    postgres::database db(cfg->db);
    const auto contract_schema =
        boost::json::parse(templates::get("decision/decision.schema.json"));
    const pipeline::reasoning::schema_validator contract(contract_schema);
    adapters::http::client http_client;
    std::optional<adapters::slack::web_api> slack_api;
    std::optional<orchestrator::slack_review_jobs> slack_jobs;
    std::optional<sandbox::workspace> sandbox_slack;
    auto slack_api_settings = cfg->slack.api;
    auto slack_signing_secret = cfg->slack.signing_secret;
    if (cfg->slack.sandboxed) {
        sandbox_slack = sandbox_workspace(*cfg);
        slack_api_settings.api_base_url = sandbox::sink_api_url(cfg->http.host, cfg->http.port);
        slack_api_settings.bot_token = pipeline::core::secret(sandbox_slack->bot_token);
        slack_signing_secret = sandbox_slack->signing_secret;
        log.info(
            "sandbox Slack: cards go to the review console",
            {{"console",
              "http://" + cfg->http.host + ":" + std::to_string(cfg->http.port) + "/sandbox"}}
        );
    }
    if (cfg->slack.enabled()) {
        slack_api.emplace(http_client, slack_api_settings, metrics);
        try {
            const auto who = slack_api->auth_test();
            if (!who.ok) {
                log.error(
                    "Slack rejected the bot token (auth.test); check REFUNDBOT_SLACK_BOT_TOKEN",
                    {{"error", who.error}}
                );
                return exit_failure;
            }
            log.info(
                "connected to Slack",
                {{"team",
                  who.body.contains("team") ? std::string(who.body.at("team").as_string()) : ""},
                 {"bot_user",
                  who.body.contains("user_id") ? std::string(who.body.at("user_id").as_string())
                                               : ""}}
            );
        } catch (const std::exception& e) {
            log.error("cannot reach Slack (auth.test)", {{"error", e.what()}});
            return exit_failure;
        }
    } else if (sandbox_slack) {
        // The sink answers on our own listener, which is not up yet: no auth.test.
        slack_api.emplace(http_client, slack_api_settings, metrics);
    }
    if (slack_api) {
        slack_jobs.emplace(
            orchestrator::slack_review_settings{
                cfg->slack.review_channel,
                cfg->slack.summary_channel,
                cfg->summary.time,
                cfg->summary.timezone,
                cfg->review.authority,
                cfg->review.remind_after,
                cfg->review.escalate_after,
                std::chrono::seconds(300),
                cfg->slack.alerts_channel,
                {policy->autonomy.agreement_floor, policy->autonomy.min_cases}},
            *slack_api
        );
    } else {
        log.warn("Slack disabled: set REFUNDBOT_SLACK_BOT_TOKEN to post review cards");
    }
    std::unique_ptr<pipeline::ports::refund_processor> processor;
    if (cfg->stripe.enabled()) {
        processor = std::make_unique<adapters::stripe::stripe_processor>(cfg->stripe.api);
        log.info(
            "refunds go through Stripe",
            {{"api_version", cfg->stripe.api.api_version},
             {"verify_refundable", cfg->stripe.verify_refundable}}
        );
    } else {
        processor = std::make_unique<postgres::sandbox_processor>(cfg->db);
        log.warn(
            "Stripe disabled: refunds are simulated by the sandbox processor (set "
            "REFUNDBOT_STRIPE_SECRET_KEY to refund through Stripe)"
        );
    }
    orchestrator::payment_jobs payments(
        orchestrator::payment_settings{
            postgres::execution_limits{policy->caps, policy->currency, cfg->slack.active()},
            cfg->stripe.verify_refundable,
            cfg->stripe.reconcile_after},
        *processor,
        metrics
    );
    auto job_settings = cfg->jobs;
    job_settings.post_review_cards = cfg->slack.active();
    job_settings.disputes_tracked = !cfg->stripe.webhook_secret.empty();
    std::vector<orchestrator::job_extension*> extensions{&payments};
    if (slack_jobs) {
        extensions.push_back(&*slack_jobs);
    }
    std::optional<adapters::zendesk::zendesk_tickets> zendesk;
    std::optional<orchestrator::helpdesk_jobs> helpdesk;
    if (cfg->zendesk.enabled()) {
        zendesk.emplace(http_client, cfg->zendesk);
        helpdesk.emplace(*zendesk, *zendesk);
        extensions.push_back(&*helpdesk);
        log.info("customers are answered on their Zendesk tickets");
    } else {
        log.warn(
            "Zendesk disabled: customers are not notified (set zendesk.base_url and "
            "REFUNDBOT_ZENDESK_API_TOKEN)"
        );
    }
    // Its own client: an order lookup answers within a few seconds or not at all, and must
    // not wait behind Slack or Zendesk retries.
    adapters::http::client_settings lookup_http;
    lookup_http.connect_timeout = cfg->enrich.order_lookup_timeout;
    lookup_http.request_timeout = cfg->enrich.order_lookup_timeout;
    lookup_http.max_attempts = 2;
    lookup_http.max_retry_after = std::chrono::seconds(1);
    adapters::http::client lookup_client(lookup_http);
    std::optional<adapters::orders::http_lookup> order_lookup;
    std::optional<adapters::shopify::admin_orders> shopify_orders;
    std::vector<pipeline::ports::order_source*> order_sources;
    if (!cfg->enrich.order_lookup_url.empty()) {
        order_sources.push_back(&order_lookup.emplace(
            lookup_client,
            adapters::orders::lookup_settings{
                cfg->enrich.order_lookup_url, cfg->enrich.order_lookup_token}
        ));
        log.info("orders are completed and enriched by the order lookup");
    }
    if (!cfg->shopify.admin.shop_url.empty()) {
        order_sources.push_back(&shopify_orders.emplace(lookup_client, cfg->shopify.admin));
        log.info("orders are completed and enriched from the Shopify Admin API");
    }
    if (order_sources.empty()) {
        log.warn(
            "order lookup disabled: Zendesk tickets and Shopify returns go to review without "
            "order details (set enrich.order_lookup_url or shopify.admin_url)"
        );
    }
    adapters::orders::first_answer order_source(order_sources);
    const auto model = make_model_stack(cfg->llm, contract, contract_schema);
    if (model) {
        metrics.gauge(
            "refundbot_ai_circuit_open",
            "1 while the language model is skipped after consecutive failures.",
            {"provider"},
            [&model, provider = cfg->llm.provider] {
                return std::vector<adapters::telemetry::gauge_sample>{
                    {{provider}, model->reasoner->circuit_open() ? 1.0 : 0.0}};
            }
        );
        log.info(
            "decisions are reasoned by a language model",
            {{"provider", cfg->llm.provider},
             {"model", cfg->llm.model.model},
             {"prompt_version", model->prompt_version}}
        );
    }
    orchestrator::job_workers workers(
        cfg->db,
        job_settings,
        *policy,
        contract,
        metrics,
        std::move(extensions),
        orchestrator::decide_helpers{
            order_sources.empty() ? nullptr : &order_source, model ? &*model->reasoner : nullptr}
    );
    register_service_metrics(metrics, db);

    postgres::request_store requests(db);
    if (cfg->intake.secrets.empty()) {
        log.warn(
            "intake disabled: set REFUNDBOT_INTAKE_SIGNING_SECRET to accept POST /webhooks/requests"
        );
    }

    if (cfg->stripe.webhook_secret.empty()) {
        log.warn("Stripe webhooks disabled: set REFUNDBOT_STRIPE_WEBHOOK_SECRET to accept them");
    }

    server::router routes;
    routes.add("GET", "/healthz", handlers::healthz())
        .add("GET", "/readyz", handlers::readyz(db))
        .add("GET", "/metrics", handlers::metrics(metrics))
        .add("POST", "/webhooks/requests", handlers::intake_webhook(cfg->intake, requests));
    if (!cfg->stripe.webhook_secret.empty()) {
        routes.add(
            "POST",
            "/webhooks/stripe",
            handlers::stripe_webhook(
                {cfg->stripe.webhook_secret, cfg->stripe.signature_tolerance}, db
            )
        );
    }
    if (!cfg->shopify.webhook_secret.empty()) {
        routes.add(
            "POST",
            "/webhooks/shopify",
            handlers::shopify_webhook(
                {cfg->shopify.webhook_secret, cfg->shopify.shop_currency}, db, requests
            )
        );
    }
    if (!cfg->zendesk_webhook.secret.empty()) {
        routes.add(
            "POST",
            "/webhooks/zendesk",
            handlers::zendesk_webhook(
                {cfg->zendesk_webhook.secret,
                 cfg->zendesk_webhook.tolerance,
                 {cfg->zendesk_webhook.default_currency}},
                requests
            )
        );
    } else {
        log.warn(
            "Zendesk trigger disabled: set REFUNDBOT_ZENDESK_WEBHOOK_SECRET to accept POST "
            "/webhooks/zendesk"
        );
    }
    if (cfg->slack.active()) {
        const handlers::slack_endpoint_settings slack_settings{
            slack_signing_secret, cfg->slack.signature_tolerance};
        routes.add("POST", "/slack/interactions", handlers::slack_interactions(slack_settings, db))
            .add("POST", "/slack/commands", handlers::slack_commands(slack_settings, db));
    }
    if (sandbox_slack) {
        sandbox::add_slack_sink(routes, *sandbox_slack, db);
        sandbox::add_review_console(routes, *sandbox_slack, db);
    }

    asio::io_context ioc(static_cast<int>(cfg->io_threads));
    server::http_server http(ioc, cfg->http, routes, metrics);
    try {
        const auto port = http.listen();
        log.info("listening", {{"address", cfg->http.host + ":" + std::to_string(port)}});
    } catch (const boost::system::system_error& e) {
        log.error(
            "cannot listen",
            {{"address", cfg->http.host + ":" + std::to_string(cfg->http.port)},
             {"error", e.code().message()}}
        );
        return exit_failure;
    }

    workers.start();
    log.info(
        "job workers started",
        {{"workers", cfg->jobs.workers}, {"policy_version", policy->policy_version}}
    );

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await signals.async_wait(asio::use_awaitable);
            log.info(
                "shutdown requested; draining in-flight requests",
                {{"grace_s", std::chrono::duration<double>(cfg->shutdown_grace).count()}}
            );
            // A second signal stops at once.
            signals.async_wait([&](const boost::system::error_code& ec, int) {
                if (!ec) {
                    log.warn("second signal; stopping now");
                    ioc.stop();
                }
            });
            co_await http.async_shutdown(cfg->shutdown_grace);
            ioc.stop();
        },
        asio::detached
    );

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < cfg->io_threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : threads) {
        t.join();
    }
    workers.stop();
    db.stop();
    log.info("stopped");
    return exit_ok;
}

int run_migrate(const std::optional<std::string>& config_file) {
    const auto cfg = load_or_report(config_file);
    if (!cfg) {
        return exit_usage;
    }
    start_logging(*cfg);
    return migrate(*cfg, telemetry::logger("migrate")) ? exit_ok : exit_failure;
}

int run_check_config(const std::optional<std::string>& config_file) {
    const auto cfg = load_or_report(config_file);
    if (!cfg) {
        return exit_usage;
    }
    std::cout << cfg->source << ": configuration is valid ("
              << (cfg->mode == run_mode::sandbox ? "sandbox" : "production") << " mode)\n";
    for (const auto& i : integrations(*cfg)) {
        std::cout << "  " << i.status << std::string(11 - i.status.size(), ' ') << i.name << ": "
                  << i.detail << '\n';
    }
    return exit_ok;
}

int run_version() {
    std::cout << "refundbot " << version() << " (" << commit() << ")\n";
    return exit_ok;
}

}  // namespace refundbot::bot::app
