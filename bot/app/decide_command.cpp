#include "bot/app/decide_command.hpp"

#include "bot/app/commands.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"

#include "templates/templates.hpp"
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace refundbot::bot::app {

namespace json = boost::json;

namespace {

// Reads and parses a JSON file; problems are printed as `file: path: message`.
std::optional<json::value> read_json(const std::string& file, bool& ok) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << file << ": cannot read the file\n";
        ok = false;
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    pipeline::core::json_errors errors;
    auto v = pipeline::core::parse_json_text(ss.str(), errors);
    for (const auto& e : errors) {
        std::cerr << file << ": " << e << '\n';
    }
    ok = ok && v.has_value();
    return v;
}

void report(const std::string& file, const pipeline::core::json_errors& errors) {
    for (const auto& e : errors) {
        std::cerr << file << ": " << e << '\n';
    }
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) {
        s.append(width - s.size(), ' ');
    }
    return s;
}

void print_table(const pipeline::decision_outcome& o) {
    std::cout << "policy " << o.policy_version << "\n\nRULES\n";
    for (const auto& r : o.evaluation.rules) {
        std::cout << "  " << pad(std::string(r.id), 28)
                  << pad(std::string(pipeline::model::to_string(r.status)), 8)
                  << (r.kind == pipeline::policy::rule_kind::hard_block ? "[hard] " : "       ")
                  << r.reason << '\n';
    }
    std::cout << "\nRISK " << pipeline::risk::format_score(o.risk.score) << " (computed "
              << pipeline::risk::format_score(o.risk.computed);
    if (o.risk.external) {
        std::cout << ", external " << pipeline::risk::format_score(*o.risk.external);
    }
    std::cout << ")\n";
    for (const auto& s : o.risk.signals) {
        std::cout << "  " << pad(std::string(s.name), 20) << "value "
                  << pipeline::risk::format_score(s.value) << " x weight "
                  << pipeline::risk::format_score(s.weight) << " = "
                  << pipeline::risk::format_score(s.contribution) << "  " << s.detail << '\n';
    }
    const auto& d = o.guarded.decision;
    std::cout << "\nDECISION "
              << (o.reasoner_called ? "(reasoner " + o.reasoner + ", after the guard)"
                                    : "(policy; reasoner not called)")
              << "\n  " << pipeline::model::to_string(d.decision) << "  confidence "
              << pipeline::risk::format_score(d.confidence) << "  category " << d.category << "\n  "
              << d.reasoning_summary << '\n';
    for (const auto& a : d.recommended_actions) {
        std::cout << "  action " << a.type << (a.required ? " (required)" : "") << '\n';
    }
    for (const auto& n : d.risk_notes) {
        std::cout << "  note   " << n << '\n';
    }
    std::cout << "\nROUTE " << pipeline::approval::to_string(o.gate.route);
    for (std::size_t i = 0; i < o.gate.reasons.size(); ++i) {
        std::cout << (i == 0 ? ": " : ", ") << o.gate.reasons[i];
    }
    std::cout << '\n';
}

}  // namespace

int run_decide(const decide_options& opt) {
    bool ok = true;
    const auto request_json = read_json(opt.request_file, ok);
    const auto policy_json = read_json(opt.policy_file, ok);
    std::optional<json::value> context_json;
    if (opt.context_file) {
        context_json = read_json(*opt.context_file, ok);
    }
    if (!ok) {
        return exit_usage;
    }
    const auto request = pipeline::model::parse_refund_request(*request_json);
    report(opt.request_file, request.errors);
    const auto policy = pipeline::policy::parse_policy(*policy_json);
    report(opt.policy_file, policy.errors);
    pipeline::model::enriched_context context;
    if (context_json && request.ok()) {
        auto parsed =
            pipeline::model::parse_enriched_context(*context_json, request.value->order.exponent);
        report(*opt.context_file, parsed.errors);
        ok = parsed.ok();
        if (ok) {
            context = std::move(*parsed.value);
        }
    }
    if (!request.ok() || !policy.ok() || !ok) {
        return exit_usage;
    }

    const pipeline::reasoning::schema_validator contract(
        json::parse(templates::get("decision/decision.schema.json"))
    );
    pipeline::reasoning::offline_reasoner reasoner;
    const auto outcome =
        pipeline::decide(*request.value, context, *policy.value, reasoner, contract);
    if (opt.json) {
        std::cout << pipeline::report_json(outcome) << '\n';
    } else {
        print_table(outcome);
    }
    return exit_ok;
}

}  // namespace refundbot::bot::app
