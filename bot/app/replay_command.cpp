#include "bot/app/replay_command.hpp"

#include "adapters/postgres/quality_store.hpp"
#include "adapters/postgres/settings.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/model_stack.hpp"
#include "bot/app/replay_report.hpp"
#include "pipeline/core/redact.hpp"
#include "pipeline/core/timestamp.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"

#include "templates/templates.hpp"
#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include <fstream>
#include <iostream>
#include <regex>

namespace refundbot::bot::app {

namespace {

// YYYY-MM-DD or an RFC 3339 timestamp; nullopt and a message naming the option otherwise.
bool valid_bound(const std::optional<std::string>& v, const char* option) {
    if (!v) {
        return true;
    }
    static const std::regex day(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
    if (std::regex_match(*v, day) || pipeline::core::parse_rfc3339(*v)) {
        return true;
    }
    std::cerr << "refundbot replay: " << option << " \"" << *v
              << "\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp\n";
    return false;
}

}  // namespace

int run_replay(const replay_options& o) {
    if (o.format != "table" && o.format != "json" && o.format != "csv") {
        std::cerr << "refundbot replay: --format must be table, json or csv, got \"" << o.format
                  << "\"\n";
        return exit_usage;
    }
    if (o.reasoner != "rules" && o.reasoner != "openai" && o.reasoner != "anthropic") {
        std::cerr << "refundbot replay: --reasoner must be rules, openai or anthropic, got \""
                  << o.reasoner << "\"\n";
        return exit_usage;
    }
    if (!valid_bound(o.since, "--since") || !valid_bound(o.until, "--until")) {
        return exit_usage;
    }
    auto cfg = load_or_report(o.config_file);
    if (!cfg) {
        return exit_usage;
    }
    const auto policy = load_policy(o.policy_file);
    if (!policy) {
        return exit_usage;
    }
    const auto contract_schema =
        boost::json::parse(templates::get("decision/decision.schema.json"));
    const pipeline::reasoning::schema_validator contract(contract_schema);
    pipeline::reasoning::offline_reasoner rules;
    std::unique_ptr<model_stack> model;
    if (o.reasoner != "rules") {
        cfg->llm.provider = o.reasoner;
        model = make_model_stack(cfg->llm, contract, contract_schema);
    }
    if (o.prompt_version) {
        if (!model) {
            std::cerr << "refundbot replay: --prompt-version needs --reasoner openai or "
                         "anthropic (the rules reasoner has no prompt)\n";
            return exit_usage;
        }
        if (*o.prompt_version != model->prompt_version) {
            std::cerr << "refundbot replay: --prompt-version " << *o.prompt_version
                      << " is not built into this binary, which has prompt version "
                      << model->prompt_version << "\n";
            return exit_usage;
        }
    }
    pipeline::reasoning::reasoner& reasoner =
        model ? static_cast<pipeline::reasoning::reasoner&>(*model->reasoner) : rules;

    replay_header header{
        policy->policy_version,
        o.reasoner,
        model ? model->prompt_version : "",
        o.since.value_or(""),
        o.until.value_or(""),
        o.source.value_or(""),
        {policy->autonomy.agreement_floor, policy->autonomy.min_cases},
        {}};
    pipeline::quality::replay_tally tally;
    try {
        pqxx::connection cx(adapters::postgres::connection_string(cfg->db));
        header.scan = adapters::postgres::for_each_recorded_case(
            cx,
            {o.since, o.until, o.source},
            [&](pipeline::quality::recorded_case&& c) {
                tally.add(c, pipeline::decide(c.request, c.context, *policy, reasoner, contract));
            }
        );
    } catch (const std::exception& e) {
        std::cerr << "refundbot replay: " << pipeline::core::redact(e.what()) << '\n';
        return exit_failure;
    }
    const auto report = tally.finish(header.bar);
    if (o.format == "json") {
        std::cout << replay_json(header, report);
    } else if (o.format == "csv") {
        std::cout << replay_csv(report);
    } else {
        std::cout << replay_table(header, report);
    }
    if (o.out) {
        std::ofstream html(*o.out, std::ios::binary | std::ios::trunc);
        html << replay_html(header, report);
        if (!html.flush()) {
            std::cerr << *o.out << ": cannot write the report\n";
            return exit_failure;
        }
        std::cerr << "report written to " << *o.out << '\n';
    }
    return exit_ok;
}

}  // namespace refundbot::bot::app
