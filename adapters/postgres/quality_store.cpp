#include "adapters/postgres/quality_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/review_store.hpp"

#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <map>

namespace refundbot::adapters::postgres {

namespace quality = pipeline::quality;
namespace model = pipeline::model;

namespace {

constexpr int fetch_batch = 2000;

std::optional<pipeline::approval::route> parse_route(const std::string& s) {
    using pipeline::approval::route;
    for (const auto r : {route::auto_approve, route::manual_review, route::deny}) {
        if (pipeline::approval::to_string(r) == s) {
            return r;
        }
    }
    return std::nullopt;
}

std::optional<boost::json::value> parse_text(const pqxx::field& f) {
    pipeline::core::json_errors errors;
    return pipeline::core::parse_json_text(f.as<std::string>(), errors);
}

std::string bound(pqxx::transaction_base& tx, const std::optional<std::string>& v) {
    return v ? tx.quote(*v) + "::timestamptz" : std::string("NULL::timestamptz");
}

// The last decision a person took on the request, as an SQL expression over r.request_id.
std::string last_human_event() {
    return std::string(
               "(SELECT a.event FROM audit_log a WHERE a.request_id = r.request_id AND a.actor "
               "LIKE 'human:%' AND a.event IN "
           ) +
           human_decision_events + " ORDER BY a.seq DESC LIMIT 1)";
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < s.size()) {
        const auto comma = s.find(',', at);
        out.push_back(s.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        at = comma == std::string::npos ? s.size() : comma + 1;
    }
    return out;
}

}  // namespace

replay_scan for_each_recorded_case(
    pqxx::connection_base& cx,
    const replay_filter& filter,
    const std::function<void(quality::recorded_case&&)>& each
) {
    replay_scan scan;
    pqxx::read_transaction tx(cx);
    tx.exec("SET LOCAL TIME ZONE 'UTC'");  // days and date-only bounds are UTC
    const auto where = "(" + bound(tx, filter.since) +
                       " IS NULL OR r.received_at >= " + bound(tx, filter.since) + ") AND (" +
                       bound(tx, filter.until) + " IS NULL OR r.received_at < " +
                       bound(tx, filter.until) + ") AND (" +
                       (filter.source ? "r.source = " + tx.quote(*filter.source) : "true") + ")";
    scan.skipped_without_context =
        tx.exec(
              "SELECT count(*) FROM decisions d JOIN requests r USING (request_id) WHERE "
              "d.context IS NULL AND " +
              where
        )[0][0]
            .as<std::int64_t>();
    tx.exec(
        "DECLARE replay_cases NO SCROLL CURSOR FOR SELECT r.request_id, r.payload::text, "
        "d.context::text, to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
        "d.policy_version, d.route, coalesce((SELECT string_agg(x, ',') FROM "
        "jsonb_array_elements_text(d.report->'route_reasons') x), ''), " +
        last_human_event() +
        ", EXISTS (SELECT 1 FROM chargebacks c WHERE c.opened_at >= r.received_at AND "
        "((c.payment_intent_id <> '' AND c.payment_intent_id = "
        "r.payload->'order'->'payment'->>'payment_intent_id') OR (c.charge_id <> '' AND "
        "c.charge_id = r.payload->'order'->'payment'->>'charge_id'))) "
        "FROM decisions d JOIN requests r USING (request_id) WHERE d.context IS NOT NULL AND " +
        where + " ORDER BY r.received_at, r.request_id"
    );
    for (;;) {
        const auto rows = tx.exec("FETCH " + std::to_string(fetch_batch) + " FROM replay_cases");
        for (const auto& row : rows) {
            const auto id = row[0].as<std::string>();
            const auto payload = parse_text(row[1]);
            auto request = payload ? model::parse_refund_request(*payload)
                                   : pipeline::core::parsed<model::refund_request>{};
            const auto context_doc = parse_text(row[2]);
            auto context =
                context_doc && request.ok()
                    ? model::parse_enriched_context(*context_doc, request.value->order.exponent)
                    : pipeline::core::parsed<model::enriched_context>{};
            const auto route = parse_route(row[5].as<std::string>());
            if (!request.ok() || !context.ok() || !route) {
                scan.unreadable.push_back(id);
                continue;
            }
            ++scan.read;
            each(
                {std::move(*request.value),
                 std::move(*context.value),
                 row[3].as<std::string>(),
                 row[4].as<std::string>(),
                 *route,
                 split(row[6].as<std::string>()),
                 quality::outcome_of_event(row[7].is_null() ? "" : row[7].as<std::string>()),
                 row[8].as<bool>()}
            );
        }
        if (rows.size() < static_cast<std::size_t>(fetch_batch)) {
            break;
        }
    }
    tx.commit();
    return scan;
}

void tally_agreement(
    pqxx::transaction_base& tx,
    const std::string& from,
    const std::string& to,
    quality::agreement_tally& tally
) {
    const auto rows = tx.exec_params(
        "SELECT r.request_id, to_char(r.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
        "r.source, coalesce(d.category, 'unknown'), coalesce(d.amount_band, 'unknown'), "
        "r.currency, r.amount_requested, d.report->'decision'->>'decision', "
        "coalesce((d.report->'decision'->>'confidence')::float8, 0), d.bot_route, "
        "coalesce((SELECT string_agg(x->>'rule', ',') FROM jsonb_array_elements(d.report->'rules') "
        "x WHERE x->>'status' = 'FAIL'), ''), " +
            last_human_event() +
            " FROM decisions d JOIN requests r USING (request_id) WHERE d.decided_at >= $1 AND "
            "d.decided_at < $2 ORDER BY d.decided_at",
        from,
        to
    );
    for (const auto& row : rows) {
        quality::case_record c;
        c.request_id = row[0].as<std::string>();
        c.day = row[1].as<std::string>();
        c.source = row[2].as<std::string>();
        c.category = row[3].as<std::string>();
        c.amount_band = row[4].as<std::string>();
        c.currency = row[5].as<std::string>();
        c.amount = row[6].as<std::int64_t>();
        const auto verdict = row[7].is_null() ? std::string() : row[7].as<std::string>();
        c.verdict = verdict == "APPROVE" ? model::verdict::approve
                    : verdict == "DENY"  ? model::verdict::deny
                                         : model::verdict::escalate;
        c.confidence = row[8].as<double>();
        c.bot_route = parse_route(row[9].as<std::string>()).value_or(c.bot_route);
        c.failed_rules = split(row[10].as<std::string>());
        c.human = quality::outcome_of_event(row[11].is_null() ? "" : row[11].as<std::string>());
        tally.add(c);
    }
}

quality::agreement_tally agreement_since(pqxx::connection_base& cx, std::chrono::seconds window) {
    pqxx::read_transaction tx(cx);
    const auto range = tx.exec_params(
        "SELECT (now() - make_interval(secs => $1))::text, now()::text",
        static_cast<double>(window.count())
    );
    quality::agreement_tally tally;
    tally_agreement(tx, range[0][0].as<std::string>(), range[0][1].as<std::string>(), tally);
    tx.commit();
    return tally;
}

std::vector<std::string> record_autonomy_modes(
    pqxx::connection_base& cx, const pipeline::policy::refund_policy& policy
) {
    std::map<std::string, std::string> wanted{
        {"", std::string(pipeline::policy::to_string(policy.autonomy.mode))}};
    for (const auto& s : policy.autonomy.segments) {
        wanted[s.name] = std::string(pipeline::policy::to_string(s.mode));
    }
    pqxx::work tx(cx);
    // One server applies a policy at a time: the second waits here and then sees no change.
    tx.exec("LOCK TABLE autonomy_modes IN EXCLUSIVE MODE");
    // Before any policy chose otherwise, the bot ran live without segments.
    std::map<std::string, std::string> served{{"", "live"}};
    for (const auto& row : tx.exec("SELECT segment, mode FROM autonomy_modes")) {
        served[row[0].as<std::string>()] = row[1].as<std::string>();
    }
    for (const auto& [segment, mode] : served) {
        if (!wanted.contains(segment) && mode != "removed") {
            wanted[segment] = "removed";
        }
    }
    std::vector<std::string> events;
    for (const auto& [segment, mode] : wanted) {
        if (const auto it = served.find(segment); it != served.end() && it->second == mode) {
            continue;
        }
        pipeline::workflow::audit_record r;
        r.request_id = "autonomy:" + (segment.empty() ? std::string("default") : segment);
        r.actor = "system";
        r.event = mode == "live"     ? "AUTONOMY_LIVE"
                  : mode == "shadow" ? "AUTONOMY_SHADOW"
                                     : "AUTONOMY_REMOVED";
        r.policy_version = policy.policy_version;
        append_audit(tx, r);
        tx.exec_params(
            "INSERT INTO autonomy_modes (segment, mode, policy_version) VALUES ($1, $2, $3) ON "
            "CONFLICT (segment) DO UPDATE SET mode = EXCLUDED.mode, policy_version = "
            "EXCLUDED.policy_version, changed_at = now()",
            segment,
            mode,
            policy.policy_version
        );
        events.push_back(r.event + " " + r.request_id);
    }
    tx.commit();
    return events;
}

}  // namespace refundbot::adapters::postgres
