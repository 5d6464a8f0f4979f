// POST /webhooks/requests against a running `refundbot serve` and a real PostgreSQL, and the
// audit chain it writes.
#include "bot/handlers/webhook_signature.hpp"
#include "tests/support/pipeline_fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/service.hpp"
#include "tests/support/test_database.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

namespace refundbot {
namespace {

namespace json = boost::json;
using bot::handlers::sign_refundbot_request;

constexpr const char* secret = "whsec_test_intake_0123456789";

struct intake : ::testing::Test {
    tests::scratch_database db;
    // No job workers: these tests look at what intake stored, before any decision moves it.
    tests::service svc{
        db.url(), {{"REFUNDBOT_INTAKE_SIGNING_SECRET", secret}, {"REFUNDBOT_JOBS_WORKERS", "0"}}};

    tests::http_reply post(const std::string& body, const std::string& signature) {
        std::vector<std::pair<std::string, std::string>> headers = {
            {"Content-Type", "application/json"}};
        if (!signature.empty()) {
            headers.emplace_back("X-Refundbot-Signature", signature);
        }
        return tests::http(
            svc.port,
            {.method = "POST", .target = "/webhooks/requests", .body = body, .headers = headers}
        );
    }
    tests::http_reply post_signed(const std::string& body) {
        return post(body, sign_refundbot_request(secret, tests::unix_now(), body));
    }
    std::string count(const std::string& table) {
        return db.query("SELECT count(*) FROM " + table);
    }
};

std::string request_body(const tests::json_edit& edit = {}) {
    return json::serialize(tests::request_json(edit));
}

TEST_F(intake, stores_a_signed_request_and_acknowledges_after_commit) {
    const auto reply = post_signed(request_body());
    EXPECT_EQ(reply.status, 202) << reply.body;
    EXPECT_EQ(reply.body, R"({"request_id":"rf_01J0000000","state":"RECEIVED"})");
    EXPECT_EQ(
        db.query("SELECT state || ' ' || amount_requested || ' ' || currency FROM requests"),
        "RECEIVED 4900 USD"
    );
    EXPECT_EQ(
        db.query("SELECT event || ' ' || actor || ' ' || amount_requested FROM audit_log"),
        "REQUEST_RECEIVED system 4900"
    );
    EXPECT_EQ(
        db.query("SELECT count(*) FROM audit_log WHERE row_to_json(audit_log)::text LIKE '%alex@%'"
        ),
        "0"
    ) << "no PII in the audit log";
}

TEST_F(intake, a_redelivery_returns_the_same_request_and_stores_nothing_new) {
    const auto body = request_body();
    EXPECT_EQ(post_signed(body).status, 202);
    const auto again = post_signed(body);
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(json::parse(again.body).at("request_id").as_string(), "rf_01J0000000");
    EXPECT_EQ(count("requests"), "1");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'REQUEST_RECEIVED'"), "1");
}

TEST_F(intake, ten_concurrent_redeliveries_create_one_request) {
    const auto body = request_body();
    std::vector<std::thread> senders;
    std::vector<unsigned> statuses(10);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        senders.emplace_back([&, i] {
            try {
                statuses[i] = post_signed(body).status;
            } catch (const std::exception& e) {
                ADD_FAILURE() << "delivery " << i << ": " << e.what();
            }
        });
    }
    for (auto& t : senders) {
        t.join();
    }
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 202u), 1)
        << ::testing::PrintToString(statuses);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200u), 9)
        << ::testing::PrintToString(statuses);
    EXPECT_EQ(count("requests"), "1");
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'REQUEST_RECEIVED'"), "1");
    EXPECT_EQ(db.query("SELECT count(*) FROM jobs WHERE kind = 'decide'"), "1");
}

TEST_F(intake, rejects_bad_signatures_with_401_and_stores_nothing) {
    const auto body = request_body();
    const auto t = tests::unix_now();
    const struct {
        std::string name;
        std::string body;
        std::string signature;
        std::string error;
    } cases[] = {
        {"missing header", body, "", "missing_signature"},
        {"malformed", body, "v1=abc", "malformed_signature"},
        {"wrong secret", body, sign_refundbot_request("whsec_other", t, body), "invalid_signature"},
        {"tampered body", body + " ", sign_refundbot_request(secret, t, body), "invalid_signature"},
        {"stale timestamp", body, sign_refundbot_request(secret, t - 301, body), "stale_timestamp"},
        {"future timestamp",
         body,
         sign_refundbot_request(secret, t + 301, body),
         "stale_timestamp"},
    };
    for (const auto& c : cases) {
        const auto reply = post(c.body, c.signature);
        EXPECT_EQ(reply.status, 401) << c.name;
        EXPECT_EQ(json::parse(reply.body).at("error").as_string(), c.error)
            << c.name << ": " << reply.body;
    }
    EXPECT_EQ(count("requests"), "0");
    EXPECT_EQ(count("audit_log"), "0");
}

TEST_F(intake, accepts_any_matching_v1_during_a_secret_rotation) {
    const auto body = request_body();
    const auto t = tests::unix_now();
    const auto old_sig = sign_refundbot_request("whsec_retired", t, body);
    const auto new_sig = sign_refundbot_request(secret, t, body);
    const auto both = old_sig + "," + new_sig.substr(new_sig.find("v1="));
    EXPECT_EQ(post(body, both).status, 202);
}

TEST_F(intake, answers_422_with_every_bad_path_and_stores_nothing) {
    const auto body = request_body([](json::object& o) {
        o["order"].as_object()["items"].as_array()[0].as_object()["category"] = 3;
        o["refund"].as_object()["amount_requested"] = "49.999";
        o.erase("created_at");
    });
    const auto reply = post_signed(body);
    EXPECT_EQ(reply.status, 422);
    const auto v = json::parse(reply.body);
    EXPECT_EQ(v.at("error").as_string(), "invalid_payload");
    std::vector<std::string> paths;
    for (const auto& e : v.at("errors").as_array()) {
        paths.emplace_back(e.at("path").as_string());
    }
    EXPECT_EQ(
        paths,
        (std::vector<std::string>{
            "created_at", "order.items[0].category", "refund.amount_requested"})
    );
    EXPECT_EQ(count("requests"), "0");

    const auto broken = post_signed("{\"request_id\": ");
    EXPECT_EQ(broken.status, 422);
    EXPECT_NE(broken.body.find("invalid JSON"), std::string::npos) << broken.body;
}

TEST_F(intake, a_request_id_reused_by_another_event_is_a_conflict) {
    EXPECT_EQ(post_signed(request_body()).status, 202);
    const auto other = request_body([](json::object& o) { o["source"] = "shopify"; });
    const auto reply = post_signed(other);
    EXPECT_EQ(reply.status, 409) << reply.body;
    EXPECT_EQ(count("requests"), "1");
}

TEST_F(intake, audit_verify_finds_a_row_a_superuser_edited) {
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(
            post_signed(request_body([i](json::object& o) {
                o["request_id"] = "rf_chain_" + std::to_string(i);
            })).status,
            202
        );
    }
    const tests::env_list env = {{"REFUNDBOT_DB_URL", db.url()}};
    auto [code, out] = tests::run_to_end(tests::refundbot_binary(), {"audit", "verify"}, env);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("audit chain intact: "), std::string::npos) << out;

    std::tie(code, out) =
        tests::run_to_end(tests::refundbot_binary(), {"audit", "show", "rf_chain_1"}, env);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("REQUEST_RECEIVED  system  amount 49.00 USD"), std::string::npos) << out;

    EXPECT_THROW(db.query("UPDATE audit_log SET amount_requested = 1"), std::exception)
        << "append-only";
    EXPECT_THROW(db.query("DELETE FROM audit_log"), std::exception) << "append-only";
    const auto victim = db.query(
        "SELECT audit_id FROM audit_log WHERE request_id = 'rf_chain_1' AND event = "
        "'REQUEST_RECEIVED'"
    );
    // A superuser can switch triggers off; the chain still tells.
    db.query(
        "SET session_replication_role = replica; UPDATE audit_log SET amount_requested = 1 WHERE "
        "audit_id = '" +
        victim + "'"
    );
    std::tie(code, out) = tests::run_to_end(tests::refundbot_binary(), {"audit", "verify"}, env);
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(
        out.find("BROKEN at audit_id " + victim + ": content does not match its hash"),
        std::string::npos
    ) << out;
}

TEST_F(intake, redact_erases_a_customers_pii_and_keeps_the_chain_valid) {
    ASSERT_EQ(post_signed(request_body()).status, 202);
    ASSERT_EQ(
        post_signed(request_body([](json::object& o) { o["request_id"] = "rf_other"; })).status, 202
    );
    const tests::env_list env = {{"REFUNDBOT_DB_URL", db.url()}};
    auto [code, out] =
        tests::run_to_end(tests::refundbot_binary(), {"redact", "--customer", "cus_8821"}, env);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("from 2 request(s)"), std::string::npos) << out;
    EXPECT_EQ(db.query("SELECT count(*) FROM requests WHERE customer_email IS NOT NULL"), "0");
    EXPECT_EQ(
        db.query("SELECT count(*) FROM requests WHERE payload::text LIKE '%alex@%' OR "
                 "payload::text LIKE '%Seam%'"),
        "0"
    );
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log WHERE event = 'PII_ERASED'"), "2");
    std::tie(code, out) = tests::run_to_end(tests::refundbot_binary(), {"audit", "verify"}, env);
    EXPECT_EQ(code, 0) << out;
    std::tie(code, out) =
        tests::run_to_end(tests::refundbot_binary(), {"redact", "--customer", "cus_8821"}, env);
    EXPECT_NE(out.find("from 0 request(s)"), std::string::npos) << "erasing twice changes nothing";
}

// Hostile text in every field the request schema has: SQL metacharacters are stored exactly as
// sent, a NUL character (PostgreSQL cannot store it) is refused with the field named, and a
// 1 MiB value is refused as too large. Nothing else is stored, and the service stays up.
TEST_F(intake, hostile_text_in_every_field_is_stored_verbatim_or_refused_by_name) {
    using setter = std::function<void(json::object&, const std::string&)>;
    const std::vector<std::pair<std::string, setter>> fields = {
        {"request_id", [](json::object& o, const std::string& v) { o["request_id"] = v; }},
        {"ticket_id", [](json::object& o, const std::string& v) { o["ticket_id"] = v; }},
        {"customer.customer_id",
         [](json::object& o, const std::string& v) {
             o["customer"].as_object()["customer_id"] = v;
         }},
        {"customer.email",
         [](json::object& o, const std::string& v) { o["customer"].as_object()["email"] = v; }},
        {"order.order_id",
         [](json::object& o, const std::string& v) { o["order"].as_object()["order_id"] = v; }},
        {"order.items[0].sku",
         [](json::object& o, const std::string& v) {
             o["order"].as_object()["items"].as_array()[0].as_object()["sku"] = v;
         }},
        {"order.items[0].category",
         [](json::object& o, const std::string& v) {
             o["order"].as_object()["items"].as_array()[0].as_object()["category"] = v;
         }},
        {"order.payment.payment_intent_id",
         [](json::object& o, const std::string& v) {
             o["order"].as_object()["payment"].as_object()["payment_intent_id"] = v;
         }},
        {"refund.reason_text",
         [](json::object& o, const std::string& v) { o["refund"].as_object()["reason_text"] = v; }},
        {"refund.evidence[0].url",
         [](json::object& o, const std::string& v) {
             o["refund"].as_object()["evidence"].as_array()[0].as_object()["url"] = v;
         }},
        {"metadata.customer_message",
         [](json::object& o, const std::string& v) {
             o["metadata"].as_object()["customer_message"] = v;
         }},
    };
    const std::string sql = "x'); DROP TABLE requests; -- \" \\ $$ $q$ %_ ' OR '1'='1 \xc3\xa9";
    const std::string nul = std::string("before") + '\0' + "after";
    const std::string huge(1024 * 1024, 'A');
    const std::string quote_tag = "$refundbot_test$";  // never in `sql`
    int stored = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& [path, set] = fields[i];
        const auto id = "rf_hostile_" + std::to_string(i);
        for (const auto* value : {&sql, &nul, &huge}) {
            auto body = tests::request_json([&](json::object& o) { o["request_id"] = id; });
            set(body, *value);
            const auto reply = post_signed(json::serialize(body));
            SCOPED_TRACE(
                path + " with " +
                (value == &sql   ? "SQL"
                 : value == &nul ? "NUL"
                                 : "1 MiB")
            );
            if (value == &huge) {
                EXPECT_EQ(reply.status, 413) << reply.body;
                continue;
            }
            if (value == &nul) {
                ASSERT_EQ(reply.status, 422) << reply.body;
                const auto error = json::parse(reply.body).at("errors").at(0).as_object();
                EXPECT_EQ(error.at("path").as_string(), path);
                continue;
            }
            ASSERT_EQ(reply.status, 202) << reply.body;
            ++stored;
            const auto stored_id =
                std::string(json::parse(reply.body).at("request_id").as_string());
            EXPECT_EQ(stored_id, path == "request_id" ? sql : id);
            // The stored payload, read back by its id, holds the value exactly as sent.
            std::string pg_path = path;  // order.items[0].sku -> order,items,0,sku
            std::replace(pg_path.begin(), pg_path.end(), '.', ',');
            std::replace(pg_path.begin(), pg_path.end(), '[', ',');
            std::erase(pg_path, ']');
            EXPECT_EQ(
                db.query(
                    "SELECT payload #>> '{" + pg_path +
                    "}' FROM requests WHERE request_id = " + quote_tag + stored_id + quote_tag
                ),
                sql
            );
        }
    }
    EXPECT_EQ(count("requests"), std::to_string(stored));
    EXPECT_EQ(db.query("SELECT count(*) FROM audit_log"), std::to_string(stored));
    EXPECT_EQ(tests::http_get(svc.port, "/healthz").status, 200);
}

}  // namespace
}  // namespace refundbot
