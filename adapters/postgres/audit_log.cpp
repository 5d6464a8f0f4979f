#include "adapters/postgres/audit_log.hpp"

#include "adapters/crypto/crypto.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <random>

namespace refundbot::adapters::postgres {

namespace workflow = pipeline::workflow;

namespace {

// Transaction-level advisory lock serializing audit appends ("rfaudit\0").
constexpr long long audit_lock_key = 0x7266617564697400LL;

constexpr const char* columns =
    "audit_id, request_id, event, actor, "
    "(extract(epoch from occurred_at) * 1000)::bigint, policy_version, risk_score, "
    "amount_requested, "
    "currency, ai_decision, ai_confidence, human_override, processor, refund_id, idempotency_key, "
    "prev_hash, hash, seq, processor_status, error_code, ai_model, prompt_version, "
    "ai_input_tokens, ai_output_tokens, ai_cost_microusd, ai_unavailable";

std::string new_audit_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[40];
    std::snprintf(
        buf,
        sizeof buf,
        "aud_%016llx%08llx",
        static_cast<unsigned long long>(rng()),
        static_cast<unsigned long long>(rng() & 0xffffffffULL)
    );
    return buf;
}

template <class T>
std::optional<T> optional_field(const pqxx::field& f) {
    if (f.is_null()) {
        return std::nullopt;
    }
    return f.as<T>();
}

workflow::audit_record read_record(const pqxx::row& row) {
    workflow::audit_record r;
    r.audit_id = row[0].as<std::string>();
    r.request_id = row[1].as<std::string>();
    r.event = row[2].as<std::string>();
    r.actor = row[3].as<std::string>();
    r.occurred_at = pipeline::core::timestamp{std::chrono::milliseconds{row[4].as<long long>()}};
    r.policy_version = optional_field<std::string>(row[5]);
    r.risk_score = optional_field<double>(row[6]);
    r.amount_requested = optional_field<long long>(row[7]);
    r.currency = optional_field<std::string>(row[8]);
    r.ai_decision = optional_field<std::string>(row[9]);
    r.ai_confidence = optional_field<double>(row[10]);
    r.human_override = optional_field<std::string>(row[11]);
    r.processor = optional_field<std::string>(row[12]);
    r.refund_id = optional_field<std::string>(row[13]);
    r.idempotency_key = optional_field<std::string>(row[14]);
    r.processor_status = optional_field<std::string>(row[18]);
    r.error_code = optional_field<std::string>(row[19]);
    r.ai_model = optional_field<std::string>(row[20]);
    r.prompt_version = optional_field<std::string>(row[21]);
    r.ai_input_tokens = optional_field<std::int64_t>(row[22]);
    r.ai_output_tokens = optional_field<std::int64_t>(row[23]);
    r.ai_cost_microusd = optional_field<std::int64_t>(row[24]);
    r.ai_unavailable = optional_field<std::string>(row[25]);
    return r;
}

std::string chain_hash(std::string_view prev_hash, const workflow::audit_record& r) {
    std::string input(prev_hash);
    input += workflow::canonical_json(r);
    return crypto::to_hex(crypto::sha256(input));
}

}  // namespace

namespace {

// A SQL literal for a value or NULL. Quoting goes through libpq's escaping and libpqxx's
// conversions, the same ones a bound parameter gets, so a double keeps every digit and the
// stored row hashes as it was hashed here.
template <class T>
std::string literal(const pqxx::transaction_base& tx, const std::optional<T>& v) {
    return v ? tx.quote(*v) : std::string("NULL");
}

std::string values_row(
    const pqxx::transaction_base& tx,
    const workflow::audit_record& r,
    const std::string& prev,
    const std::string& hash
) {
    const std::string amount = r.amount_requested
                                   ? std::to_string(static_cast<long long>(*r.amount_requested))
                                   : std::string("NULL");
    std::string row = "(";
    for (const auto& v :
         {tx.quote(r.audit_id),
          tx.quote(r.request_id),
          tx.quote(r.event),
          tx.quote(r.actor),
          "to_timestamp(" + std::to_string(r.occurred_at.time_since_epoch().count()) +
              "::double precision / 1000)",
          literal(tx, r.policy_version),
          literal(tx, r.risk_score),
          amount,
          literal(tx, r.currency),
          literal(tx, r.ai_decision),
          literal(tx, r.ai_confidence),
          literal(tx, r.human_override),
          literal(tx, r.processor),
          literal(tx, r.refund_id),
          literal(tx, r.idempotency_key),
          tx.quote(prev),
          tx.quote(hash),
          literal(tx, r.processor_status),
          literal(tx, r.error_code),
          literal(tx, r.ai_model),
          literal(tx, r.prompt_version),
          literal(tx, r.ai_input_tokens),
          literal(tx, r.ai_output_tokens),
          literal(tx, r.ai_cost_microusd),
          literal(tx, r.ai_unavailable)}) {
        row += row.size() == 1 ? "" : ", ";
        row += v;
    }
    return row + ")";
}

}  // namespace

std::string append_audit(pqxx::transaction_base& tx, workflow::audit_record record) {
    std::vector<workflow::audit_record> one;
    one.push_back(std::move(record));
    return append_audit(tx, std::move(one));
}

std::string append_audit(pqxx::transaction_base& tx, std::vector<workflow::audit_record> records) {
    if (records.empty()) {
        return {};
    }
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", audit_lock_key);
    const auto last = tx.exec("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    std::string prev =
        last.empty() ? std::string(workflow::genesis_hash) : last[0][0].as<std::string>();
    // One statement for the whole batch: rows get their seq in VALUES order, which is the
    // order they are chained in.
    std::string sql =
        "INSERT INTO audit_log (audit_id, request_id, event, actor, occurred_at, policy_version, "
        "risk_score, amount_requested, currency, ai_decision, ai_confidence, human_override, "
        "processor, refund_id, idempotency_key, prev_hash, hash, processor_status, error_code, "
        "ai_model, prompt_version, ai_input_tokens, ai_output_tokens, ai_cost_microusd, "
        "ai_unavailable) VALUES ";
    for (auto& record : records) {
        if (record.audit_id.empty()) {
            record.audit_id = new_audit_id();
        }
        if (record.occurred_at.time_since_epoch().count() == 0) {
            record.occurred_at = now;
        }
        std::string hash = chain_hash(prev, record);
        sql += &record == &records.front() ? "" : ", ";
        sql += values_row(tx, record, prev, hash);
        prev = std::move(hash);
    }
    tx.exec(sql);
    return prev;
}

chain_check verify_audit_chain(pqxx::connection_base& cx) {
    pqxx::read_transaction tx(cx);
    chain_check check;
    std::string expected_prev(workflow::genesis_hash);
    for (const auto& row :
         tx.exec(std::string("SELECT ") + columns + " FROM audit_log ORDER BY seq")) {
        ++check.rows;
        const auto record = read_record(row);
        const auto prev = row[15].as<std::string>();
        const auto hash = row[16].as<std::string>();
        if (prev != expected_prev) {
            check.intact = false;
            check.broken_audit_id = record.audit_id;
            check.reason =
                "prev_hash does not match the previous row: a row before it was removed or altered";
            break;
        }
        if (chain_hash(prev, record) != hash) {
            check.intact = false;
            check.broken_audit_id = record.audit_id;
            check.reason = "content does not match its hash: the row was modified";
            break;
        }
        expected_prev = hash;
    }
    tx.commit();
    return check;
}

std::vector<workflow::audit_record> audit_trail(
    pqxx::connection_base& cx, const std::string& request_id
) {
    pqxx::read_transaction tx(cx);
    std::vector<workflow::audit_record> out;
    for (const auto& row : tx.exec_params(
             std::string("SELECT ") + columns +
                 " FROM audit_log WHERE request_id = $1 ORDER BY seq",
             request_id
         )) {
        out.push_back(read_record(row));
    }
    tx.commit();
    return out;
}

}  // namespace refundbot::adapters::postgres
