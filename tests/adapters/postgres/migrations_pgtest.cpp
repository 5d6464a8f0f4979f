#include "adapters/postgres/migrations.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <thread>

namespace refundbot::adapters::postgres {
namespace {

const migration test_set[] = {
    {1, "create_a", "CREATE TABLE a (id int PRIMARY KEY)"},
    {2, "create_b", "CREATE TABLE b (id int PRIMARY KEY REFERENCES a)"},
};

TEST(apply_migrations, applies_in_order_and_records_each_once) {
    tests::scratch_database db;
    auto outcome = apply_migrations(db.settings(), test_set);
    EXPECT_EQ(outcome.applied, (std::vector<int>{1, 2}));
    EXPECT_EQ(
        db.query(
            "SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM schema_migrations"
        ),
        "1:create_a,2:create_b"
    );
    outcome = apply_migrations(db.settings(), test_set);
    EXPECT_TRUE(outcome.applied.empty());
    EXPECT_EQ(outcome.already_applied, 2u);
}

TEST(apply_migrations, rolls_back_a_failing_migration_and_names_it) {
    tests::scratch_database db;
    const migration broken[] = {
        {1, "create_a", "CREATE TABLE a (id int)"},
        {2, "half_done", "CREATE TABLE c (id int); SELECT no_such_function()"},
    };
    try {
        apply_migrations(db.settings(), broken);
        FAIL() << "expected migration_error";
    } catch (const migration_error& e) {
        EXPECT_NE(std::string(e.what()).find("migration 0002_half_done failed"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("no_such_function"), std::string::npos) << e.what();
    }
    EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations"), "1");
    EXPECT_EQ(db.query("SELECT to_regclass('c') IS NULL"), "t")
        << "the failed migration left nothing";
}

TEST(apply_migrations, refuses_a_migration_changed_after_it_was_applied) {
    tests::scratch_database db;
    apply_migrations(db.settings(), test_set);
    const migration edited[] = {
        {1, "create_a", "CREATE TABLE a (id bigint PRIMARY KEY)"},
        test_set[1],
    };
    EXPECT_THROW(apply_migrations(db.settings(), edited), migration_error);
}

TEST(apply_migrations, concurrent_runners_apply_each_migration_exactly_once) {
    tests::scratch_database db;
    // Non-idempotent DDL: a second application would fail, so any double run shows as an error.
    std::vector<std::thread> runners;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
        runners.emplace_back([&] {
            try {
                apply_migrations(db.settings(), test_set);
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& t : runners) {
        t.join();
    }
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations"), "2");
}

TEST(check_migrations, lists_pending_versions) {
    tests::scratch_database db;
    pqxx::connection cx(db.url());
    EXPECT_EQ(check_migrations(cx, test_set).pending, (std::vector<int>{1, 2}));
    apply_migrations(db.settings(), std::span(test_set, 1));
    EXPECT_EQ(check_migrations(cx, test_set).pending, (std::vector<int>{2}));
    apply_migrations(db.settings(), test_set);
    EXPECT_TRUE(check_migrations(cx, test_set).pending.empty());
}

TEST(embedded_migrations, are_numbered_in_order_and_apply_to_an_empty_database) {
    const auto all = embedded_migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_LT(all[i - 1].version, all[i].version);
    }
    tests::scratch_database db;
    EXPECT_EQ(apply_migrations(db.settings(), all).applied.size(), all.size());
}

TEST(embedded_migrations, money_domains_reject_malformed_values) {
    tests::scratch_database db;
    apply_migrations(db.settings(), embedded_migrations());
    EXPECT_EQ(db.query("SELECT 'USD'::currency_code"), "USD");
    EXPECT_THROW(db.query("SELECT 'usd'::currency_code"), pqxx::check_violation);
    EXPECT_THROW(db.query("SELECT 'US'::currency_code"), pqxx::check_violation);
    EXPECT_EQ(db.query("SELECT '4900'::minor_units"), "4900");
    EXPECT_THROW(db.query("SELECT '49.00'::minor_units"), pqxx::sql_error)
        << "minor units are integers";
}

TEST(embedded_migrations, append_only_trigger_blocks_updates_and_deletes) {
    tests::scratch_database db;
    apply_migrations(db.settings(), embedded_migrations());
    db.query(
        "CREATE TABLE log (id int); INSERT INTO log VALUES (1);"
        "CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON log "
        "FOR EACH ROW EXECUTE FUNCTION refundbot_forbid_mutation()"
    );
    EXPECT_THROW(db.query("UPDATE log SET id = 2"), pqxx::sql_error);
    EXPECT_THROW(db.query("DELETE FROM log"), pqxx::sql_error);
    EXPECT_EQ(db.query("SELECT count(*) FROM log WHERE id = 1"), "1");
}

// The acceptance case: two `refundbot migrate` processes racing on one empty database.
TEST(refundbot_migrate, two_processes_racing_apply_each_migration_once) {
    tests::scratch_database db;
    const std::vector<std::pair<std::string, std::string>> env = {
        {"REFUNDBOT_DB_URL", db.url()}, {"REFUNDBOT_LOG_FORMAT", "json"}};
    tests::child_process a(tests::refundbot_binary(), {"migrate"}, env);
    tests::child_process b(tests::refundbot_binary(), {"migrate"}, env);
    EXPECT_EQ(a.wait(std::chrono::seconds(60)), 0) << a.output();
    EXPECT_EQ(b.wait(std::chrono::seconds(60)), 0) << b.output();
    const auto total = embedded_migrations().size();
    EXPECT_EQ(db.query("SELECT count(*) FROM schema_migrations"), std::to_string(total));
    // Exactly one of the two applied each migration; the other found it done.
    const auto applied_lines = [](const std::string& out) {
        std::size_t n = 0;
        for (auto pos = out.find("migration applied"); pos != std::string::npos;
             pos = out.find("migration applied", pos + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(applied_lines(a.output()) + applied_lines(b.output()), total)
        << a.output() << b.output();
}

}  // namespace
}  // namespace refundbot::adapters::postgres
