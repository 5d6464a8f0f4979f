// refundbot replay, shadow mode and graduated autonomy on a seeded database of recorded
// requests with known human outcomes (tests/support/recorded_cases.hpp).
#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/quality_store.hpp"
#include "adapters/postgres/review_store.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/prometheus.hpp"
#include "tests/support/recorded_cases.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace refundbot {
namespace {

namespace json = boost::json;
namespace postgres = adapters::postgres;

constexpr int seeded = 300;

std::string policy_file(const tests::json_edit& edit = {}) {
    auto obj = tests::policy_json();
    if (edit) {
        edit(obj);
    }
    return tests::write_temp_file("policy.json", json::serialize(obj));
}

// Every workflow table's rows, hashed: equal before and after means nothing was written.
std::string fingerprint(const tests::scratch_database& db) {
    std::string all;
    for (const char* table :
         {"requests",
          "decisions",
          "audit_log",
          "jobs",
          "executions",
          "ai_calls",
          "chargebacks",
          "review_notes",
          "autonomy_modes"}) {
        all += db.query(
                   std::string("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                               "ORDER BY t::text)), '') FROM ") +
                   table + " t"
               ) +
               ";";
    }
    return all;
}

struct replay : ::testing::Test {
    static inline tests::scratch_database* db = nullptr;

    static void SetUpTestSuite() {
        db = new tests::scratch_database();
        postgres::apply_migrations(db->settings(), postgres::embedded_migrations());
        tests::seed_recorded_cases(db->url(), tests::make_policy(), seeded);
    }
    static void TearDownTestSuite() {
        delete db;
        db = nullptr;
    }

    static std::pair<int, std::string> run(std::vector<std::string> args) {
        args.insert(args.begin(), "replay");
        return tests::run_to_end(
            tests::refundbot_binary(), args, {{"REFUNDBOT_DB_URL", db->url()}}
        );
    }
    static json::object run_json(std::vector<std::string> args) {
        args.insert(args.end(), {"--format", "json"});
        const auto [code, out] = run(args);
        EXPECT_EQ(code, 0) << out;
        return json::parse(out).as_object();
    }
    static std::set<std::string> ids(const json::array& changes) {
        std::set<std::string> out;
        for (const auto& c : changes) {
            out.insert(std::string(c.at("request_id").as_string()));
        }
        return out;
    }
    static std::set<std::string> sql_ids(const std::string& where) {
        pqxx::connection cx(db->url());
        pqxx::read_transaction tx(cx);
        std::set<std::string> out;
        for (const auto& row : tx.exec(
                 "SELECT r.request_id FROM decisions d JOIN requests r USING (request_id) "
                 "WHERE " +
                 where
             )) {
            out.insert(row[0].as<std::string>());
        }
        return out;
    }
};

TEST_F(replay, the_policy_the_cases_were_decided_with_changes_no_route) {
    const auto report = run_json({"--policy", policy_file()});
    EXPECT_EQ(report.at("replayed").as_int64(), seeded);
    EXPECT_EQ(report.at("changed").as_int64(), 0);
    EXPECT_EQ(report.at("changes").as_array().size(), 0U);
    // The seed has every route, so "no change" is not an empty replay.
    EXPECT_GE(report.at("transitions").as_array().size(), 2U);
}

TEST_F(replay, a_lower_auto_approve_limit_moves_exactly_the_auto_approvals_above_it) {
    const auto report = run_json({"--policy", policy_file([](json::object& p) {
                                      p["auto_approve"].as_object()["max_amount"] = 50;
                                  })});
    const auto moved = sql_ids("d.route = 'AUTO_APPROVE' AND r.amount_requested > 5000");
    ASSERT_FALSE(moved.empty());
    EXPECT_EQ(ids(report.at("changes").as_array()), moved);
    const auto sum = db->query(
        "SELECT count(*) || ' ' || sum(r.amount_requested) FROM decisions d JOIN requests r "
        "USING (request_id) WHERE d.route = 'AUTO_APPROVE' AND r.amount_requested > 5000"
    );
    bool found = false;
    for (const auto& t : report.at("transitions").as_array()) {
        if (t.at("from") == "AUTO_APPROVE" && t.at("to") == "MANUAL_REVIEW") {
            found = true;
            EXPECT_EQ(
                std::to_string(t.at("cases").as_int64()) + " " +
                    std::to_string(t.at("amount_minor").at("USD").as_int64()),
                sum
            );
        }
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(
        report.at("drivers").at("+above_auto_approve_amount").as_int64(),
        static_cast<std::int64_t>(moved.size())
    );
    // Auto-approved and never disputed: the review work the stricter policy adds for nothing.
    EXPECT_EQ(
        ids(report.at("extra_reviews").as_array()),
        sql_ids("d.route = 'AUTO_APPROVE' AND r.amount_requested > 5000 AND NOT EXISTS (SELECT 1 "
                "FROM chargebacks c WHERE c.payment_intent_id = 'pi_' || r.request_id)")
    );
    // The review load moves by day exactly as many cases as moved that day.
    std::int64_t added = 0;
    for (const auto& d : report.at("review_load").as_array()) {
        added += d.at("after").as_int64() - d.at("before").as_int64();
    }
    EXPECT_EQ(added, static_cast<std::int64_t>(moved.size()));
}

TEST_F(replay, a_looser_policy_names_the_new_auto_approvals_people_denied_or_customers_disputed) {
    const auto report =
        run_json({"--policy", policy_file([](json::object& p) {
                      p["auto_approve"].as_object()["max_amount"] = 199;
                      p["missing_delivery"].as_object()["evidence_required_over_amount"] = 199;
                  })});
    std::set<std::string> to_auto;
    for (const auto& c : report.at("changes").as_array()) {
        if (c.at("after") == "AUTO_APPROVE") {
            to_auto.insert(std::string(c.at("request_id").as_string()));
        }
    }
    ASSERT_FALSE(to_auto.empty());
    const auto denied = sql_ids(
        "EXISTS (SELECT 1 FROM audit_log a WHERE a.request_id = r.request_id AND a.event = "
        "'REVIEW_DENIED')"
    );
    std::set<std::string> expected;
    for (const auto& id : to_auto) {
        if (denied.contains(id)) {
            expected.insert(id);
        }
    }
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(ids(report.at("risky_approvals").as_array()), expected);
}

TEST_F(replay, filters_select_by_day_and_source) {
    const auto report = run_json(
        {"--policy",
         policy_file(),
         "--since",
         "2026-11-03",
         "--until",
         "2026-11-06",
         "--source",
         "shopify"}
    );
    EXPECT_EQ(
        std::to_string(report.at("replayed").as_int64()),
        db->query("SELECT count(*) FROM requests WHERE source = 'shopify' AND received_at >= "
                  "'2026-11-03T00:00:00Z' AND received_at < '2026-11-06T00:00:00Z'")
    );
    EXPECT_GT(report.at("replayed").as_int64(), 0);
}

TEST_F(replay, agreement_and_calibration_match_the_seeded_outcomes) {
    const auto report = run_json({"--policy", policy_file()});
    const auto& overall = report.at("agreement").at("overall");
    // Compared: a person approved or denied and the bot's verdict was APPROVE or DENY.
    const std::string compared_cases =
        "(SELECT r.request_id, d.report->'decision'->>'decision' AS bot, (SELECT a.event FROM "
        "audit_log a WHERE a.request_id = r.request_id AND a.actor LIKE 'human:%' ORDER BY "
        "a.seq DESC LIMIT 1) AS person FROM decisions d JOIN requests r USING (request_id)) x "
        "WHERE person IN ('REVIEW_APPROVED', 'REVIEW_DENIED') AND bot IN ('APPROVE', 'DENY')";
    EXPECT_EQ(
        std::to_string(overall.at("compared").as_int64()),
        db->query("SELECT count(*) FROM " + compared_cases)
    );
    EXPECT_EQ(
        std::to_string(overall.at("agreed").as_int64()),
        db->query(
            "SELECT count(*) FROM " + compared_cases +
            " AND ((bot = 'APPROVE' AND person = 'REVIEW_APPROVED') OR (bot = 'DENY' AND person "
            "= 'REVIEW_DENIED'))"
        )
    );
    std::int64_t bucketed = 0;
    for (const auto& b : report.at("agreement").at("calibration").as_array()) {
        bucketed += b.at("compared").as_int64();
    }
    EXPECT_EQ(bucketed, overall.at("compared").as_int64());
    EXPECT_EQ(
        static_cast<std::int64_t>(report.at("agreement").at("disagreements").as_array().size()),
        overall.at("compared").as_int64() - overall.at("agreed").as_int64()
    );
}

TEST_F(replay, replay_writes_nothing) {
    const auto before = fingerprint(*db);
    const auto html = tests::write_temp_file("report.html", "");
    const auto [code, out] = run(
        {"--policy",
         policy_file([](json::object& p) { p["auto_approve"].as_object()["max_amount"] = 50; }),
         "--out",
         html}
    );
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find("CHANGED CASES"), std::string::npos) << out;
    EXPECT_EQ(fingerprint(*db), before);
    std::ifstream in(html);
    std::stringstream page;
    page << in.rdbuf();
    const auto text = page.str();
    EXPECT_NE(text.find("<svg"), std::string::npos);
    EXPECT_NE(text.find("/refund audit rf_seed_"), std::string::npos);
    // Self-contained: no script, stylesheet or image is fetched from anywhere.
    EXPECT_EQ(text.find("src="), std::string::npos);
    EXPECT_EQ(text.find("<link"), std::string::npos);
}

TEST_F(replay, csv_lists_one_row_per_changed_case) {
    const auto [code, out] = run(
        {"--policy",
         policy_file([](json::object& p) { p["auto_approve"].as_object()["max_amount"] = 50; }),
         "--format",
         "csv"}
    );
    ASSERT_EQ(code, 0) << out;
    const auto rows = static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
    EXPECT_EQ(rows - 1, sql_ids("d.route = 'AUTO_APPROVE' AND r.amount_requested > 5000").size());
    EXPECT_TRUE(out.starts_with("request_id,day,currency,amount_minor,before,after")) << out;
}

TEST_F(replay, bad_options_are_refused_by_name_and_change_nothing) {
    const auto before = fingerprint(*db);
    auto [code, out] = run({"--policy", policy_file(), "--format", "xml"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("--format must be table, json or csv"), std::string::npos) << out;
    std::tie(code, out) = run({"--policy", policy_file(), "--since", "2026-13-01"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("--since \"2026-13-01\" is not a date"), std::string::npos) << out;
    std::tie(code, out) =
        run({"--policy", policy_file([](json::object& p) { p["mode"] = "sometimes"; })});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("mode: expected \"live\" or \"shadow\""), std::string::npos) << out;
    std::tie(code, out) = run({"--policy", policy_file(), "--prompt-version", "v9"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("--prompt-version needs --reasoner openai or anthropic"), std::string::npos)
        << out;
    EXPECT_EQ(fingerprint(*db), before);
}

// Shadow mode on live traffic: the same seed decided under a shadow policy.
TEST(shadow_mode, every_case_goes_to_a_person_and_the_agreement_matches_the_outcomes) {
    tests::scratch_database db;
    postgres::apply_migrations(db.settings(), postgres::embedded_migrations());
    const auto policy = tests::make_policy([](json::object& p) { p["mode"] = "shadow"; });
    tests::seed_recorded_cases(db.url(), policy, 120);
    EXPECT_EQ(db.query("SELECT count(*) FROM decisions WHERE route <> 'MANUAL_REVIEW'"), "0");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'AUTO_APPROVED'"), "0");
    // The bot's own routes are kept: some would have been auto-approved or denied.
    EXPECT_NE(db.query("SELECT count(*) FROM decisions WHERE bot_route = 'AUTO_APPROVE'"), "0");
    EXPECT_EQ(db.query("SELECT count(*) FROM decisions WHERE mode = 'shadow'"), "120");

    pqxx::connection cx(db.url());
    const auto stats = postgres::stats_since(cx, std::chrono::hours(1));
    const auto r = stats.agreement.finish({0.9, 10});
    // Seeded outcomes: i % 4 == 0 denied, i % 4 == 1 evidence, else approved.
    std::int64_t compared = 0;
    std::int64_t agreed = 0;
    pqxx::read_transaction tx(cx);
    for (const auto& row :
         tx.exec("SELECT substr(request_id, 9)::int, report->'decision'->>'decision' FROM decisions"
         )) {
        const auto i = row[0].as<int>();
        const auto bot = row[1].as<std::string>();
        if (i % 4 == 1 || bot == "ESCALATE") {
            continue;
        }
        ++compared;
        agreed += (i % 4 == 0) == (bot == "DENY") ? 1 : 0;
    }
    tx.commit();
    EXPECT_EQ(r.overall.cases, 120);
    EXPECT_EQ(r.overall.compared, compared);
    EXPECT_EQ(r.overall.agreed, agreed);
    EXPECT_GT(compared, 0);
    std::int64_t by_source = 0;
    for (const auto& [source, cell] : r.by_source) {
        by_source += cell.compared;
    }
    EXPECT_EQ(by_source, compared);
    EXPECT_EQ(static_cast<std::int64_t>(r.disagreements.size()), compared - agreed);
}

TEST(shadow_mode, a_segment_switched_live_auto_approves_only_within_that_segment) {
    tests::scratch_database db;
    postgres::apply_migrations(db.settings(), postgres::embedded_migrations());
    const auto policy = tests::make_policy([](json::object& p) {
        p["mode"] = "shadow";
        p["autonomy"] = json::parse(R"({"amount_bands": [50, 100], "segments": [
            {"name": "small-apparel", "categories": ["apparel"], "amount_bands": ["0-50"],
             "mode": "live"}]})");
    });
    tests::seed_recorded_cases(db.url(), policy, 120);
    EXPECT_EQ(
        db.query("SELECT count(*) FROM decisions WHERE route = 'AUTO_APPROVE' AND NOT (category = "
                 "'apparel' AND amount_band = '0-50' AND segment = 'small-apparel')"),
        "0"
    );
    // Inside the segment the bot acts on its own route.
    EXPECT_EQ(
        db.query("SELECT count(*) FROM decisions WHERE segment = 'small-apparel' AND route <> "
                 "bot_route"),
        "0"
    );
    EXPECT_NE(db.query("SELECT count(*) FROM decisions WHERE route = 'AUTO_APPROVE'"), "0");
    EXPECT_NE(
        db.query("SELECT count(*) FROM decisions WHERE bot_route = 'AUTO_APPROVE' AND route = "
                 "'MANUAL_REVIEW'"),
        "0"
    );
}

TEST(shadow_mode, changing_a_segment_mode_is_audited_once_with_the_policy_version) {
    tests::scratch_database db;
    postgres::apply_migrations(db.settings(), postgres::embedded_migrations());
    pqxx::connection cx(db.url());
    // The starting point is live without segments: serving it changes nothing.
    EXPECT_TRUE(postgres::record_autonomy_modes(cx, tests::make_policy()).empty());
    auto shadow = tests::make_policy([](json::object& p) {
        p["policy_version"] = "2026.11.01";
        p["mode"] = "shadow";
        p["autonomy"] = json::parse(R"({"segments": [
            {"name": "apparel", "categories": ["apparel"], "mode": "shadow"}]})");
    });
    EXPECT_EQ(
        postgres::record_autonomy_modes(cx, shadow),
        (std::vector<std::string>{
            "AUTONOMY_SHADOW autonomy:default", "AUTONOMY_SHADOW autonomy:apparel"})
    );
    EXPECT_TRUE(postgres::record_autonomy_modes(cx, shadow).empty());
    auto live = shadow;
    live.policy_version = "2026.11.20";
    live.autonomy.segments[0].mode = pipeline::policy::autonomy_mode::live;
    EXPECT_EQ(
        postgres::record_autonomy_modes(cx, live),
        std::vector<std::string>{"AUTONOMY_LIVE autonomy:apparel"}
    );
    EXPECT_EQ(
        db.query("SELECT event || ' ' || policy_version FROM audit_log WHERE request_id = "
                 "'autonomy:apparel' ORDER BY seq DESC LIMIT 1"),
        "AUTONOMY_LIVE 2026.11.20"
    );
    live.autonomy.segments.clear();
    EXPECT_EQ(
        postgres::record_autonomy_modes(cx, live),
        std::vector<std::string>{"AUTONOMY_REMOVED autonomy:apparel"}
    );
    const auto [code, out] = tests::run_to_end(
        tests::refundbot_binary(), {"audit", "verify"}, {{"REFUNDBOT_DB_URL", db.url()}}
    );
    EXPECT_EQ(code, 0) << out;
}

TEST(shadow_mode, the_service_audits_its_mode_and_exposes_the_agreement_in_metrics) {
    tests::scratch_database db;
    postgres::apply_migrations(db.settings(), postgres::embedded_migrations());
    const auto edit = [](json::object& p) { p["mode"] = "shadow"; };
    tests::seed_recorded_cases(db.url(), tests::make_policy(edit), 60);
    pqxx::connection cx(db.url());
    const auto expected = postgres::stats_since(cx, std::chrono::hours(1)).agreement.finish({});
    ASSERT_GT(expected.overall.compared, 0);

    tests::service svc(
        db.url(),
        {{"REFUNDBOT_POLICY_FILE", policy_file(edit)}, {"REFUNDBOT_JOBS_SWEEP_INTERVAL_S", "1"}}
    );
    const std::string overall = R"({dimension="overall",value="all"})";
    double compared = -1;
    tests::exposition e;
    for (int i = 0; i < 100 && compared != static_cast<double>(expected.overall.compared); ++i) {
        e = tests::parse_exposition(tests::http_get(svc.port, "/metrics").body);
        const auto it = e.samples.find("refundbot_agreement_compared" + overall);
        compared = it == e.samples.end() ? -1 : it->second;
        if (compared != static_cast<double>(expected.overall.compared)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    EXPECT_EQ(compared, static_cast<double>(expected.overall.compared));
    EXPECT_TRUE(e.problems.empty());
    EXPECT_NEAR(e.samples.at("refundbot_agreement_ratio" + overall), expected.overall.rate(), 1e-6);
    EXPECT_EQ(
        db.query("SELECT event || ' ' || policy_version FROM audit_log WHERE request_id = "
                 "'autonomy:default'"),
        "AUTONOMY_SHADOW 2026.03.01"
    );
}

}  // namespace
}  // namespace refundbot
