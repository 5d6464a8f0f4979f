#include "adapters/postgres/migrations.hpp"

#include <pqxx/pqxx>

#include <cstdio>
#include <map>

namespace refundbot::adapters::postgres {
namespace {

// Session-level advisory lock shared by every refundbot replica ("refndbot" in ASCII).
constexpr long long migration_lock_key = 0x7265666e64626f74LL;

constexpr std::string_view create_history = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

std::map<int, std::string> recorded_checksums(pqxx::transaction_base& tx) {
    std::map<int, std::string> out;
    for (const auto& row : tx.exec("SELECT version, checksum FROM schema_migrations")) {
        out.emplace(row[0].as<int>(), row[1].as<std::string>());
    }
    return out;
}

std::string checksum_of(pqxx::transaction_base& tx, std::string_view sql) {
    return tx
        .exec_params1("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", std::string(sql))[0]
        .as<std::string>();
}

struct advisory_lock {
    explicit advisory_lock(pqxx::connection_base& c) : cx(c) {
        pqxx::nontransaction tx(cx);
        tx.exec_params("SELECT pg_advisory_lock($1)", migration_lock_key);
    }
    ~advisory_lock() {
        try {
            pqxx::nontransaction tx(cx);
            tx.exec_params("SELECT pg_advisory_unlock($1)", migration_lock_key);
        } catch (...) {
            // The lock is session-level: closing the connection releases it anyway.
        }
    }
    advisory_lock(const advisory_lock&) = delete;
    advisory_lock& operator=(const advisory_lock&) = delete;
    pqxx::connection_base& cx;
};

}  // namespace

std::string migration_label(const migration& m) {
    char version[16];
    std::snprintf(version, sizeof version, "%04d", m.version);
    return std::string(version) + "_" + std::string(m.name);
}

migration_outcome apply_migrations(
    const database_settings& settings, std::span<const migration> migrations
) {
    pqxx::connection cx(connection_string(settings));
    {
        // Migrations may legitimately run longer than a request's statement_timeout.
        pqxx::nontransaction tx(cx);
        tx.exec("SET statement_timeout = 0");
    }
    advisory_lock lock(cx);
    {
        pqxx::work tx(cx);
        tx.exec(std::string(create_history));
        tx.commit();
    }

    migration_outcome outcome;
    std::map<int, std::string> recorded;
    {
        pqxx::work tx(cx);
        recorded = recorded_checksums(tx);
        for (const auto& m : migrations) {
            const auto it = recorded.find(m.version);
            if (it == recorded.end()) {
                continue;
            }
            if (checksum_of(tx, m.sql) != it->second) {
                throw migration_error(
                    "migration " + migration_label(m) +
                    " was changed after it was applied; add a new migration instead"
                );
            }
            ++outcome.already_applied;
        }
        tx.commit();
    }

    for (const auto& m : migrations) {
        if (recorded.contains(m.version)) {
            continue;
        }
        try {
            pqxx::work tx(cx);
            tx.exec(std::string(m.sql));
            tx.exec_params(
                "INSERT INTO schema_migrations (version, name, checksum) "
                "VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))",
                m.version,
                std::string(m.name),
                std::string(m.sql)
            );
            tx.commit();
        } catch (const pqxx::broken_connection&) {
            throw;
        } catch (const std::exception& e) {
            throw migration_error("migration " + migration_label(m) + " failed: " + e.what());
        }
        outcome.applied.push_back(m.version);
    }
    return outcome;
}

migration_status check_migrations(
    pqxx::connection_base& cx, std::span<const migration> migrations
) {
    pqxx::read_transaction tx(cx);
    migration_status status;
    const bool has_history =
        tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>();
    std::map<int, std::string> recorded;
    if (has_history) {
        recorded = recorded_checksums(tx);
    }
    for (const auto& m : migrations) {
        if (!recorded.contains(m.version)) {
            status.pending.push_back(m.version);
        }
    }
    tx.commit();
    return status;
}

}  // namespace refundbot::adapters::postgres
