// Seeds a database for the replay benchmark: 600 recorded requests through the live code path
// (tests/support/recorded_cases.hpp), then copies of them under new ids until --cases rows
// exist. The copies are made in SQL, so the audit chain of this throwaway database is not
// valid; replay never reads the chain.
//
//   replay_seed --db-url URL --cases 100000
#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/settings.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/recorded_cases.hpp"

#include <pqxx/pqxx>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    using namespace refundbot;
    std::string url;
    long cases = 100'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--db-url") {
            url = argv[i + 1];
        } else if (flag == "--cases") {
            cases = std::stol(argv[i + 1]);
        }
    }
    if (url.empty() || cases < 600) {
        std::fprintf(stderr, "usage: replay_seed --db-url URL [--cases N >= 600]\n");
        return 2;
    }
    adapters::postgres::database_settings db;
    db.url = url;
    adapters::postgres::apply_migrations(db, adapters::postgres::embedded_migrations());
    constexpr int base = 600;
    tests::seed_recorded_cases(url, tests::make_policy(), base);
    const long copies = (cases - 1) / base;
    pqxx::connection cx(url);
    pqxx::work tx(cx);
    const auto copy =
        [&](const std::string& columns, const std::string& table, const std::string& select) {
            tx.exec(
                "INSERT INTO " + table + " (" + columns + ") SELECT " + select + " FROM " + table +
                " t CROSS JOIN generate_series(1, " + std::to_string(copies) +
                ") k WHERE t.request_id LIKE 'rf_seed_%'"
            );
        };
    copy(
        "request_id, source, source_event_id, state, customer_id, order_id, currency, "
        "order_total, amount_requested, payload, received_at",
        "requests",
        "t.request_id || '_' || k, t.source, t.source_event_id || '_' || k, t.state, "
        "t.customer_id, t.order_id, t.currency, t.order_total, t.amount_requested, "
        "jsonb_set(t.payload, '{request_id}', to_jsonb(t.request_id || '_' || k)), "
        "t.received_at"
    );
    copy(
        "request_id, policy_version, route, risk_score, reasoner, report, context, mode, "
        "bot_route, segment, category, amount_band",
        "decisions",
        "t.request_id || '_' || k, t.policy_version, t.route, t.risk_score, t.reasoner, "
        "t.report, t.context, t.mode, t.bot_route, t.segment, t.category, t.amount_band"
    );
    copy(
        "audit_id, request_id, event, actor, occurred_at, prev_hash, hash",
        "audit_log",
        "t.audit_id || '_' || k, t.request_id || '_' || k, t.event, t.actor, t.occurred_at, "
        "t.prev_hash, t.hash"
    );
    tx.exec("ANALYZE");
    tx.commit();
    std::printf("%ld recorded requests\n", base + copies * base);
    return 0;
}
