#include "adapters/postgres/migrations.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <thread>

namespace refundbot::adapters::postgres {
namespace {

using pipeline::workflow::request_state;

struct workflow_store : ::testing::Test {
    tests::scratch_database db;
    void SetUp() override {
        apply_migrations(db.settings(), embedded_migrations());
        db.query(
            "INSERT INTO requests (request_id, source, source_event_id, state, version, "
            "customer_id, order_id, "
            "currency, order_total, amount_requested, payload) VALUES "
            "('rf_1', 'zendesk', 'rf_1', 'PENDING_REVIEW', 3, 'cus_1', 'ord_1', 'USD', 12900, "
            "4900, '{}')"
        );
    }
    pipeline::workflow::audit_record by(const std::string& actor, const std::string& event) {
        pipeline::workflow::audit_record r;
        r.request_id = "rf_1";
        r.event = event;
        r.actor = actor;
        return r;
    }
};

TEST_F(workflow_store, concurrent_reviewers_exactly_one_wins_and_the_other_is_told_who) {
    std::atomic<int> applied{0};
    std::vector<std::string> messages(2);
    std::vector<std::thread> reviewers;
    const std::pair<request_state, std::string> actions[] = {
        {request_state::approved, "human:U111"},
        {request_state::denied, "human:U222"},
    };
    for (int i = 0; i < 2; ++i) {
        reviewers.emplace_back([&, i] {
            pqxx::connection cx(db.url());
            pqxx::work tx(cx);
            const auto& [to, actor] = actions[i];
            auto error =
                transition(tx, "rf_1", 3, request_state::pending_review, to, by(actor, "REVIEWED"));
            tx.commit();
            if (error) {
                messages[static_cast<std::size_t>(i)] = *error;
            } else {
                ++applied;
            }
        });
    }
    for (auto& t : reviewers) {
        t.join();
    }
    EXPECT_EQ(applied, 1);
    EXPECT_EQ(db.query("SELECT version FROM requests"), "4");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log"), "1");
    const auto& loser = messages[0].empty() ? messages[1] : messages[0];
    const auto winner_state = db.query("SELECT state FROM requests");
    const auto winner_actor = db.query("SELECT actor FROM audit_log");
    EXPECT_TRUE(loser.starts_with(
        "request is already " + winner_state + " (REVIEWED by " + winner_actor + " at "
    )) << loser;
}

TEST_F(workflow_store, an_illegal_transition_changes_nothing) {
    pqxx::connection cx(db.url());
    pqxx::work tx(cx);
    const auto error = transition(
        tx, "rf_1", 3, request_state::pending_review, request_state::refunded, by("system", "X")
    );
    tx.commit();
    EXPECT_EQ(error, "PENDING_REVIEW -> REFUNDED is not a transition of the refund workflow");
    EXPECT_EQ(db.query("SELECT state || ' ' || version FROM requests"), "PENDING_REVIEW 3");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log"), "0");
}

TEST_F(workflow_store, concurrent_workers_never_claim_the_same_job) {
    {
        pqxx::connection cx(db.url());
        pqxx::work tx(cx);
        for (int i = 0; i < 50; ++i) {
            tx.exec_params(
                "INSERT INTO requests (request_id, source, source_event_id, state, customer_id, "
                "order_id, currency, "
                "order_total, amount_requested, payload) VALUES ($1, 's', $1, 'RECEIVED', 'c', "
                "'o', 'USD', 1, 1, '{}')",
                "rf_q" + std::to_string(i)
            );
            enqueue_job(tx, "decide", "rf_q" + std::to_string(i));
        }
        tx.commit();
    }
    std::mutex m;
    std::vector<std::int64_t> claimed;
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&] {
            pqxx::connection cx(db.url());
            while (auto j = claim_job(cx, std::chrono::seconds(60))) {
                std::lock_guard lock(m);
                claimed.push_back(j->job_id);
            }
        });
    }
    for (auto& t : workers) {
        t.join();
    }
    std::sort(claimed.begin(), claimed.end());
    EXPECT_EQ(claimed.size(), 50u);
    EXPECT_EQ(std::adjacent_find(claimed.begin(), claimed.end()), claimed.end())
        << "a job was claimed twice";
}

TEST_F(workflow_store, an_expired_lease_is_taken_again_and_failures_back_off_to_dead) {
    {
        pqxx::connection cx(db.url());
        pqxx::work tx(cx);
        enqueue_job(tx, "decide", "rf_1");
        enqueue_job(tx, "decide", "rf_1");  // idempotent per kind and request
        tx.commit();
    }
    EXPECT_EQ(db.query("SELECT count(*) FROM jobs"), "1");
    pqxx::connection cx(db.url());
    auto first = claim_job(cx, std::chrono::seconds(1));
    ASSERT_TRUE(first);
    EXPECT_FALSE(claim_job(cx, std::chrono::seconds(1))) << "leased";
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto again = claim_job(cx, std::chrono::seconds(60));
    ASSERT_TRUE(again) << "a crashed worker's job is retaken after its lease";
    EXPECT_EQ(again->job_id, first->job_id);
    EXPECT_EQ(again->attempts, 2);

    EXPECT_FALSE(fail_job(cx, *again, "boom", 3));
    EXPECT_EQ(
        db.query("SELECT state || ' ' || (run_after > now() + interval '3 seconds') FROM jobs"),
        "queued true"
    ) << "retried after a backoff";
    again->attempts = 3;
    EXPECT_TRUE(fail_job(cx, *again, "boom", 3));
    EXPECT_EQ(
        db.query(
            "SELECT state || ' ' || last_error FROM jobs WHERE job_id = " +
            std::to_string(again->job_id)
        ),
        "dead boom"
    );
    EXPECT_EQ(
        db.query(
            "SELECT job_key || ' | ' || (payload->>'text') FROM jobs WHERE kind = 'slack_alert'"
        ),
        "dead:" + again->kind + ":" + std::to_string(again->job_id) + " | Job " + again->kind +
            " for " + again->request_id + " stopped after 3 attempts: boom"
    ) << "a dead letter is alerted";
}

TEST_F(workflow_store, requests_waiting_too_long_for_evidence_expire) {
    db.query(
        "INSERT INTO requests (request_id, source, source_event_id, state, customer_id, order_id, "
        "currency, "
        "order_total, amount_requested, payload, updated_at) VALUES "
        "('rf_old', 's', 'rf_old', 'AWAITING_EVIDENCE', 'c', 'o', 'USD', 1, 1, '{}', now() - "
        "interval '8 days'), "
        "('rf_new', 's', 'rf_new', 'AWAITING_EVIDENCE', 'c', 'o', 'USD', 1, 1, '{}', now() - "
        "interval '1 day')"
    );
    pqxx::connection cx(db.url());
    EXPECT_EQ(expire_evidence_requests(cx, std::chrono::hours(7 * 24)), 1);
    EXPECT_EQ(
        db.query(
            "SELECT string_agg(request_id || ' ' || state, ', ' ORDER BY request_id) FROM requests "
            "WHERE request_id LIKE 'rf_%' AND request_id <> 'rf_1'"
        ),
        "rf_new AWAITING_EVIDENCE, rf_old EXPIRED"
    );
    EXPECT_EQ(
        db.query("SELECT event FROM audit_log WHERE request_id = 'rf_old'"), "EVIDENCE_EXPIRED"
    );
    EXPECT_EQ(expire_evidence_requests(cx, std::chrono::hours(7 * 24)), 0);
}

}  // namespace
}  // namespace refundbot::adapters::postgres
