#include "adapters/postgres/sandbox_store.hpp"

#include "adapters/postgres/workflow_store.hpp"

#include <pqxx/pqxx>

namespace refundbot::adapters::postgres {

namespace {

std::string_view kind_name(sandbox_post_kind k) {
    switch (k) {
        case sandbox_post_kind::message:
            return "message";
        case sandbox_post_kind::ephemeral:
            return "ephemeral";
        case sandbox_post_kind::view:
            return "view";
        case sandbox_post_kind::response:
            return "response";
    }
    return "message";
}

const char* null_if_empty(const std::string& s) {
    return s.empty() ? nullptr : s.c_str();
}

}  // namespace

sandbox_posted add_sandbox_post(pqxx::connection_base& cx, const sandbox_post& post) {
    pqxx::work tx(cx);
    // The ts is made from the row's own id so it is unique, and from the clock so it sorts
    // and reads like Slack's.
    const auto row = tx.exec_params1(
        "WITH n AS (SELECT nextval('sandbox_slack_posts_id_seq') AS id) "
        "INSERT INTO sandbox_slack_posts (id, kind, channel, ts, thread_ts, user_id, ref, body) "
        "SELECT n.id, $1, $2, CASE WHEN $1 = 'message' THEN "
        "floor(extract(epoch FROM clock_timestamp()))::bigint::text || '.' || "
        "lpad((n.id % 1000000)::text, 6, '0') END, $3, $4, $5, $6::jsonb FROM n "
        "RETURNING id, coalesce(ts, '')",
        std::string(kind_name(post.kind)),
        post.channel,
        null_if_empty(post.thread_ts),
        null_if_empty(post.user_id),
        null_if_empty(post.ref),
        post.body
    );
    tx.commit();
    return {row[0].as<std::int64_t>(), row[1].as<std::string>()};
}

bool update_sandbox_message(
    pqxx::connection_base& cx,
    std::string_view channel,
    std::string_view ts,
    const std::string& body
) {
    pqxx::work tx(cx);
    const auto r = tx.exec_params(
        "UPDATE sandbox_slack_posts SET body = $3::jsonb, edits = edits + 1, updated_at = now() "
        "WHERE kind = 'message' AND channel = $1 AND ts = $2",
        std::string(channel),
        std::string(ts),
        body
    );
    tx.commit();
    return r.affected_rows() == 1;
}

std::string sandbox_posts_json(pqxx::connection_base& cx, int limit) {
    pqxx::read_transaction tx(cx);
    return tx
        .exec_params1(
            "SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'channel', "
            "channel, 'ts', ts, 'thread_ts', thread_ts, 'user_id', user_id, 'ref', ref, 'body', "
            "body, 'edits', edits, 'posted_at', posted_at) ORDER BY id), '[]')::text "
            "FROM (SELECT * FROM sandbox_slack_posts ORDER BY id DESC LIMIT $1) p",
            limit
        )[0]
        .as<std::string>();
}

std::string queue_summary_preview(
    pqxx::connection_base& cx, const std::string& timezone, const std::string& tag
) {
    pqxx::work tx(cx);
    const auto day =
        tx.exec_params1("SELECT (now() AT TIME ZONE $1)::date::text", timezone)[0].as<std::string>(
        );
    enqueue_job(tx, "slack_summary", "", day + "#" + tag);
    tx.commit();
    return day;
}

std::string sandbox_requests_json(pqxx::connection_base& cx, int limit) {
    pqxx::read_transaction tx(cx);
    return tx
        .exec_params1(
            "SELECT coalesce(json_agg(x ORDER BY x.received_at DESC), '[]')::text FROM ("
            "SELECT r.request_id, r.source, r.state, r.amount_requested AS amount, r.currency, "
            "r.received_at, d.route, e.refund_id, e.amount AS refunded "
            "FROM requests r LEFT JOIN decisions d USING (request_id) "
            "LEFT JOIN executions e ON e.request_id = r.request_id AND e.state = 'succeeded' "
            "ORDER BY r.received_at DESC LIMIT $1) x",
            limit
        )[0]
        .as<std::string>();
}

}  // namespace refundbot::adapters::postgres
