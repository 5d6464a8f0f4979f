// Command-line entry point: parses the subcommand and hands over to bot/app.
#include "bot/app/audit_command.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/decide_command.hpp"
#include "bot/app/replay_command.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

int main(int argc, char** argv) {
    using namespace refundbot::bot::app;

    CLI::App cli{"refundbot: refund approvals with policy, AI reasoning and human review in Slack"};
    cli.require_subcommand(1);
    std::string config_file;
    const std::string config_help =
        "TOML config file (default: $REFUNDBOT_CONFIG, else built-in defaults)";

    auto* serve =
        cli.add_subcommand("serve", "Apply migrations and serve HTTP until SIGINT/SIGTERM");
    serve->add_option("-c,--config", config_file, config_help);
    auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
    migrate->add_option("-c,--config", config_file, config_help);
    auto* check = cli.add_subcommand("check-config", "Validate the configuration and exit");
    check->add_option("-c,--config", config_file, config_help);
    auto* version_cmd = cli.add_subcommand("version", "Print the version and exit");
    auto* audit = cli.add_subcommand("audit", "Inspect the tamper-evident audit log");
    audit->require_subcommand(1);
    auto* audit_verify =
        audit->add_subcommand("verify", "Recompute the hash chain; exit 1 at the first broken row");
    audit_verify->add_option("-c,--config", config_file, config_help);
    std::string audit_request;
    auto* audit_show = audit->add_subcommand("show", "Print one request's audit trail");
    audit_show->add_option("request_id", audit_request, "Request id")->required();
    audit_show->add_option("-c,--config", config_file, config_help);
    std::string redact_customer;
    auto* redact =
        cli.add_subcommand("redact", "Erase a customer's email and free text (right to erasure)");
    redact->add_option("--customer", redact_customer, "customer_id")->required();
    redact->add_option("-c,--config", config_file, config_help);
    decide_options decide;
    auto* decide_cmd = cli.add_subcommand(
        "decide", "Run the refund pipeline on JSON files and print rules, risk, decision and route"
    );
    decide_cmd->add_option("--request", decide.request_file, "Refund request JSON")->required();
    decide_cmd->add_option(
        "--context", decide.context_file, "Enriched context JSON (default: none known)"
    );
    decide_cmd->add_option("--policy", decide.policy_file, "Policy JSON")->capture_default_str();
    decide_cmd->add_flag("--json", decide.json, "Print the report as JSON");

    replay_options replay;
    auto* replay_cmd = cli.add_subcommand(
        "replay",
        "Re-run the pipeline with a policy on recorded requests and report what would change "
        "(read-only)"
    );
    replay_cmd->add_option("--policy", replay.policy_file, "Policy JSON to replay")->required();
    replay_cmd->add_option("--reasoner", replay.reasoner, "rules, openai or anthropic (uses [llm])")
        ->capture_default_str();
    replay_cmd->add_option(
        "--prompt-version", replay.prompt_version, "Prompt version the model reasoner must use"
    );
    replay_cmd->add_option("--since", replay.since, "Received on or after (YYYY-MM-DD, UTC)");
    replay_cmd->add_option("--until", replay.until, "Received before (YYYY-MM-DD, UTC)");
    replay_cmd->add_option("--source", replay.source, "Only this source (zendesk, shopify, ...)");
    replay_cmd->add_option("--format", replay.format, "table, json or csv")->capture_default_str();
    replay_cmd->add_option("--out", replay.out, "Also write a self-contained HTML report");
    replay_cmd->add_option("-c,--config", replay.config_file, config_help);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = cli.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }

    const std::optional<std::string> file =
        config_file.empty() ? std::nullopt : std::optional<std::string>(config_file);
    if (serve->parsed()) {
        return run_serve(file);
    }
    if (migrate->parsed()) {
        return run_migrate(file);
    }
    if (check->parsed()) {
        return run_check_config(file);
    }
    if (audit_verify->parsed()) {
        return run_audit_verify(file);
    }
    if (audit_show->parsed()) {
        return run_audit_show(file, audit_request);
    }
    if (redact->parsed()) {
        return run_redact(file, redact_customer);
    }
    if (decide_cmd->parsed()) {
        return run_decide(decide);
    }
    if (replay_cmd->parsed()) {
        return run_replay(replay);
    }
    if (version_cmd->parsed()) {
        return run_version();
    }
    return exit_usage;
}
