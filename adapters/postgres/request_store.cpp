#include "adapters/postgres/request_store.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/workflow_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <exception>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

namespace refundbot::adapters::postgres {

namespace {

// A new event for a request that waits for evidence and carries evidence: merge it, move the
// request back to RECEIVED and decide it again. False when that does not apply.
bool add_evidence(
    pqxx::transaction_base& tx,
    const pipeline::model::refund_request& request,
    const std::string& source_event_id
) {
    if (request.refund.evidence.empty()) {
        return false;
    }
    const auto current = tx.exec_params(
        "SELECT version, coalesce(payload #> '{refund,evidence}', '[]'::jsonb) FROM requests "
        "WHERE request_id = $1 AND state = 'AWAITING_EVIDENCE' FOR UPDATE",
        request.request_id
    );
    if (current.empty()) {
        return false;
    }
    // Helpdesks resend every attachment of the ticket; only files not seen before are evidence.
    std::vector<const pipeline::model::evidence_item*> fresh;
    const auto known = boost::json::parse(current[0][1].as<std::string>());
    for (const auto& e : request.refund.evidence) {
        const bool seen = std::any_of(
            known.as_array().begin(),
            known.as_array().end(),
            [&](const boost::json::value& k) {
                const auto* url = k.is_object() ? k.get_object().if_contains("url") : nullptr;
                return url != nullptr && url->is_string() && url->get_string() == e.url;
            }
        );
        if (!seen) {
            fresh.push_back(&e);
        }
    }
    if (fresh.empty()) {
        return false;
    }
    const auto claimed = tx.exec_params(
        "INSERT INTO evidence_events (source, source_event_id, request_id) VALUES ($1, $2, $3) "
        "ON CONFLICT DO NOTHING",
        request.source,
        source_event_id,
        request.request_id
    );
    if (claimed.affected_rows() == 0) {
        return false;
    }
    for (const auto* e : fresh) {
        tx.exec_params(
            "UPDATE requests SET payload = jsonb_set(payload, '{refund,evidence}', "
            "  coalesce(payload #> '{refund,evidence}', '[]'::jsonb) || "
            "  jsonb_build_array(jsonb_build_object('type', $2::text, 'url', $3::text))) "
            "WHERE request_id = $1",
            request.request_id,
            e->type,
            e->url
        );
    }
    pipeline::workflow::audit_record received;
    received.request_id = request.request_id;
    received.event = "EVIDENCE_RECEIVED";
    received.actor = "system";
    if (auto error = transition(
            tx,
            request.request_id,
            current[0][0].as<int>(),
            pipeline::workflow::request_state::awaiting_evidence,
            pipeline::workflow::request_state::received,
            std::move(received)
        )) {
        throw std::runtime_error(*error);
    }
    rearm_job(tx, "decide", request.request_id);
    return true;
}

template <class T>
std::string literal(const pqxx::transaction_base& tx, const std::optional<T>& v) {
    return v ? tx.quote(*v) : std::string("NULL");
}

// A request whose insert found an existing row: a redelivery, new evidence for a request that
// waits for it, or a request id taken by another event.
intake_outcome store_existing(
    pqxx::transaction_base& tx,
    const pipeline::model::refund_request& request,
    const std::string& source_event_id
) {
    const auto find_event = [&]() -> std::optional<intake_outcome> {
        const auto existing = tx.exec_params(
            "SELECT request_id, state FROM requests WHERE source = $1 AND source_event_id = $2 "
            "UNION ALL SELECT e.request_id, r.state FROM evidence_events e JOIN requests r "
            "USING (request_id) WHERE e.source = $1 AND e.source_event_id = $2",
            request.source,
            source_event_id
        );
        if (existing.empty()) {
            return std::nullopt;
        }
        return intake_outcome{
            existing[0][0].as<std::string>(), existing[0][1].as<std::string>(), true};
    };
    // Checked again after add_evidence: it waits for a concurrent delivery of the same event,
    // whose rows this statement then sees.
    auto duplicate = find_event();
    if (!duplicate && add_evidence(tx, request, source_event_id)) {
        return {request.request_id, "RECEIVED", false};
    }
    if (!duplicate) {
        duplicate = find_event();
    }
    if (duplicate) {
        return *duplicate;
    }
    throw request_id_conflict(
        "request_id " + request.request_id + " is already used by another source event"
    );
}

}  // namespace

struct request_store::pending {
    pending(
        const pipeline::model::refund_request& r,
        const std::string& event_id,
        const std::string& payload,
        const boost::asio::any_io_executor& ex
    )
        : request(r), source_event_id(event_id), payload_json(payload), executor(ex), done(ex, 1) {}

    const pipeline::model::refund_request& request;
    const std::string& source_event_id;
    const std::string& payload_json;
    intake_outcome outcome;
    std::exception_ptr error;
    boost::asio::any_io_executor executor;  ///< the waiting intake's
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> done;
};

boost::asio::awaitable<intake_outcome> request_store::async_intake(
    const pipeline::model::refund_request& request,
    const std::string& source_event_id,
    const std::string& payload_json
) {
    auto ex = co_await boost::asio::this_coro::executor;
    // Shared with the writer's wake-up, which runs on this intake's executor and keeps the
    // item (and its channel) alive until try_send has returned.
    auto item = std::make_shared<pending>(request, source_event_id, payload_json, ex);
    bool lead = false;
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(item);
        if (writers_ < max_writers) {
            ++writers_;
            lead = true;
        }
    }
    if (lead) {
        boost::asio::co_spawn(ex, write_batches(), boost::asio::detached);
    }
    co_await item->done.async_receive(boost::asio::use_awaitable);
    if (item->error) {
        std::rethrow_exception(item->error);
    }
    co_return item->outcome;
}

// A writer takes what is queued, writes it as one transaction and goes on while more waits.
boost::asio::awaitable<void> request_store::write_batches() {
    for (;;) {
        std::vector<std::shared_ptr<pending>> batch;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                --writers_;
                co_return;
            }
            const auto n = std::min(queue_.size(), max_batch);
            batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        }
        try {
            std::vector<pending*> items;
            for (const auto& p : batch) {
                items.push_back(p.get());
            }
            co_await db_.async_run([&](pqxx::connection_base& cx) { store(cx, items); });
        } catch (const std::exception& e) {
            // One exception object each: waiters on other threads rethrow and read theirs,
            // and a shared one would be freed by whichever finishes last.
            for (const auto& p : batch) {
                p->error = std::make_exception_ptr(std::runtime_error(e.what()));
            }
        }
        for (const auto& p : batch) {
            boost::asio::post(p->executor, [p] { p->done.try_send(boost::system::error_code{}); });
        }
    }
}

void request_store::store(pqxx::connection_base& cx, const std::vector<pending*>& batch) {
    try {
        pqxx::work tx(cx);
        write(tx, batch);
        tx.commit();
        return;
    } catch (const std::exception&) {
        if (batch.size() == 1) {
            batch.front()->error = std::current_exception();
            return;
        }
    }
    // The batch failed as a whole: each request alone, so one cannot fail the others. Every
    // write is idempotent, so a batch whose commit was in doubt is safe to write again.
    for (auto* p : batch) {
        p->error = nullptr;
        try {
            pqxx::work tx(cx);
            write(tx, {p});
            tx.commit();
        } catch (const std::exception&) {
            p->error = std::current_exception();
        }
    }
}

void request_store::write(pqxx::transaction_base& tx, const std::vector<pending*>& batch) {
    // Every unique key is an arbiter, so a duplicate (in this batch, or one a concurrent
    // transaction is writing, which this statement then waits for) never raises.
    std::string sql =
        "INSERT INTO requests (request_id, source, source_event_id, state, customer_id, "
        "order_id, currency, order_total, amount_requested, customer_email, payload) VALUES ";
    for (const auto* p : batch) {
        const auto& r = p->request;
        const std::optional<std::string> email =
            r.customer.email.empty() ? std::nullopt : std::optional(r.customer.email);
        sql += p == batch.front() ? "(" : ", (";
        sql += tx.quote(r.request_id) + ", " + tx.quote(r.source) + ", " +
               tx.quote(p->source_event_id) + ", 'RECEIVED', " + tx.quote(r.customer.customer_id) +
               ", " + tx.quote(r.order.order_id) + ", " + tx.quote(r.order.currency) + ", " +
               std::to_string(r.order.total) + ", " + std::to_string(r.refund.amount_requested) +
               ", " + literal(tx, email) + ", " + tx.quote(p->payload_json) + "::jsonb)";
    }
    const auto inserted =
        tx.exec(sql + " ON CONFLICT DO NOTHING RETURNING request_id, source, source_event_id");
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    for (const auto& row : inserted) {
        rows.emplace_back(
            row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()
        );
    }
    std::vector<pipeline::workflow::audit_record> records;
    std::vector<std::string> decide;
    for (auto* p : batch) {
        const auto& r = p->request;
        const auto row = std::find(
            rows.begin(), rows.end(), std::tuple(r.request_id, r.source, p->source_event_id)
        );
        if (row == rows.end()) {
            try {
                p->outcome = store_existing(tx, r, p->source_event_id);
            } catch (const request_id_conflict&) {
                p->error = std::current_exception();  // nothing written for it
            }
            continue;
        }
        rows.erase(row);  // a second copy of the same event in this batch is a duplicate
        p->outcome = {r.request_id, "RECEIVED", false};
        pipeline::workflow::audit_record record;
        record.request_id = r.request_id;
        record.event = "REQUEST_RECEIVED";
        record.actor = "system";
        record.amount_requested = r.refund.amount_requested;
        record.currency = r.order.currency;
        records.push_back(std::move(record));
        decide.push_back(r.request_id);
    }
    append_audit(tx, std::move(records));
    enqueue_jobs(tx, "decide", decide);
}

}  // namespace refundbot::adapters::postgres
