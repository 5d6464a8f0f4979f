// One full decision as the service makes it: parse the request and context JSON text, read
// claims, score risk, evaluate the policy, run the offline reasoner, guard, gate, and serialize
// the report. The policy and the decision schema are loaded once, as the service does.
#include "pipeline/decide.hpp"
#include "pipeline/reasoning/offline_reasoner.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <array>
#include <benchmark/benchmark.h>

namespace {

namespace json = boost::json;
using namespace refundbot;

const std::string request_text = json::serialize(tests::request_json([](json::object& o) {
    o["refund"].as_object()["reason_text"] = "Wrong size, the medium fits like a small";
    o["refund"].as_object()["amount_requested"] = 29;
}));
const std::string context_text = tests::read_source_file("tests/data/seed/case_a_context.json");

void full_decide(benchmark::State& state) {
    const auto policy = tests::make_policy();
    const auto& contract = tests::decision_contract();
    pipeline::reasoning::offline_reasoner reasoner;
    std::size_t bytes = 0;
    // One arena per decision, as a request handler would use: every JSON value of the decision
    // is freed at once at the end instead of node by node.
    std::array<unsigned char, 16 * 1024> arena;
    for (auto _ : state) {
        json::monotonic_resource mr(arena.data(), arena.size());
        const json::storage_ptr sp(&mr);
        auto request = pipeline::model::parse_refund_request(json::parse(request_text, sp));
        auto context = pipeline::model::parse_enriched_context(
            json::parse(context_text, sp), request.value->order.exponent
        );
        const auto outcome =
            pipeline::decide(*request.value, *context.value, policy, reasoner, contract);
        const auto report = pipeline::report_json(outcome);
        bytes += report.size();
        benchmark::DoNotOptimize(report.data());
        if (outcome.gate.route != pipeline::approval::route::auto_approve) {
            state.SkipWithError("unexpected route");
        }
    }
    state.counters["decisions_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["report_bytes"] =
        static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(full_decide)->Unit(benchmark::kMicrosecond);

// The stages alone, to show where the time goes.
void stage_parse(benchmark::State& state) {
    for (auto _ : state) {
        auto request = pipeline::model::parse_refund_request(json::parse(request_text));
        auto context = pipeline::model::parse_enriched_context(json::parse(context_text), 2);
        benchmark::DoNotOptimize(request.value->order.total + context.value->stats.lifetime_spend);
    }
}
BENCHMARK(stage_parse)->Unit(benchmark::kMicrosecond);

// Everything up to the reasoner, computed once, for the stage benchmarks below.
struct assessed {
    pipeline::policy::refund_policy policy = tests::make_policy();
    pipeline::model::refund_request request =
        *pipeline::model::parse_refund_request(json::parse(request_text)).value;
    pipeline::model::enriched_context context =
        *pipeline::model::parse_enriched_context(json::parse(context_text), 2).value;
    pipeline::model::claims claims = pipeline::model::read_claims(request);
    pipeline::risk::risk_assessment risk = pipeline::risk::assess(request, context, claims, policy);
    pipeline::policy::policy_evaluation eval =
        pipeline::policy::evaluate(request, context, claims, policy, risk.score);
};

void stage_assess(benchmark::State& state) {
    const assessed a;
    for (auto _ : state) {
        const auto claims = pipeline::model::read_claims(a.request);
        const auto risk = pipeline::risk::assess(a.request, a.context, claims, a.policy);
        const auto eval =
            pipeline::policy::evaluate(a.request, a.context, claims, a.policy, risk.score);
        benchmark::DoNotOptimize(eval.rules.data());
    }
}
BENCHMARK(stage_assess)->Unit(benchmark::kMicrosecond);

void stage_reason_and_guard(benchmark::State& state) {
    const assessed a;
    pipeline::reasoning::offline_reasoner reasoner;
    for (auto _ : state) {
        const auto out =
            reasoner.reason({a.request, a.context, a.claims, a.policy, a.eval, a.risk});
        const auto g =
            pipeline::reasoning::guard(out, tests::decision_contract(), a.eval, a.policy);
        benchmark::DoNotOptimize(g.decision.confidence);
    }
}
BENCHMARK(stage_reason_and_guard)->Unit(benchmark::kMicrosecond);

void stage_schema_validation(benchmark::State& state) {
    const assessed a;
    const auto out = pipeline::reasoning::offline_reasoner{}.reason(
        {a.request, a.context, a.claims, a.policy, a.eval, a.risk}
    );
    for (auto _ : state) {
        benchmark::DoNotOptimize(tests::decision_contract().validate(*out.json).size());
    }
}
BENCHMARK(stage_schema_validation)->Unit(benchmark::kMicrosecond);

void stage_report(benchmark::State& state) {
    const assessed a;
    pipeline::reasoning::offline_reasoner reasoner;
    const auto outcome =
        pipeline::decide(a.request, a.context, a.policy, reasoner, tests::decision_contract());
    for (auto _ : state) {
        benchmark::DoNotOptimize(pipeline::report_json(outcome).size());
    }
}
BENCHMARK(stage_report)->Unit(benchmark::kMicrosecond);

void stage_decide(benchmark::State& state) {
    const assessed a;
    pipeline::reasoning::offline_reasoner reasoner;
    for (auto _ : state) {
        const auto outcome =
            pipeline::decide(a.request, a.context, a.policy, reasoner, tests::decision_contract());
        benchmark::DoNotOptimize(outcome.gate.reasons.data());
    }
}
BENCHMARK(stage_decide)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
