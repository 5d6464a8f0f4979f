#include "bot/orchestrator/payment_jobs.hpp"

#include "adapters/telemetry/log.hpp"
#include "adapters/telemetry/metrics.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/ports/refund_processor.hpp"

#include <cstdlib>

namespace refundbot::bot::orchestrator {

namespace postgres = adapters::postgres;
namespace ports = pipeline::ports;

namespace {

const adapters::telemetry::logger& log() {
    static const adapters::telemetry::logger l("payments");
    return l;
}

std::string amount_text(std::int64_t minor, const std::string& currency) {
    return pipeline::core::format_decimal(
               minor, pipeline::core::currency_exponent(currency).value_or(2)
           ) +
           " " + currency;
}

// What the processor's own figures say against this refund, before it is sent.
std::optional<ports::refund_result> refusal(
    const ports::refund_order& order, const ports::payment_balance& b
) {
    using ports::refund_outcome;
    if (b.captured.currency != order.amount.currency) {
        return ports::refund_result::failure(
            refund_outcome::failed,
            "currency_mismatch",
            "the payment is in " + b.captured.currency + ", the refund in " + order.amount.currency
        );
    }
    if (b.disputed) {
        return ports::refund_result::failure(
            refund_outcome::failed, "charge_disputed", "the processor reports the payment disputed"
        );
    }
    const auto left = b.captured.minor - b.refunded;
    if (order.amount.minor > left) {
        return ports::refund_result::failure(
            refund_outcome::failed,
            "amount_too_large",
            "only " + amount_text(std::max<std::int64_t>(left, 0), b.captured.currency) +
                " is still refundable at the processor"
        );
    }
    return std::nullopt;
}

std::string_view outcome_name(ports::refund_outcome o) {
    switch (o) {
        case ports::refund_outcome::succeeded:
            return "succeeded";
        case ports::refund_outcome::pending:
            return "pending";
        case ports::refund_outcome::failed:
            return "failed";
        case ports::refund_outcome::unknown:
            break;
    }
    return "unknown";
}

}  // namespace

payment_jobs::payment_jobs(
    payment_settings settings,
    ports::refund_processor& processor,
    adapters::telemetry::metrics_registry& metrics
)
    : settings_(std::move(settings)),
      processor_(processor),
      outcomes_(metrics.counter(
          "refundbot_refund_attempts_total",
          "Refund attempts by processor and outcome (unknown: no answer or a transient error, "
          "retried with the same idempotency key).",
          {"processor", "outcome"}
      )) {}

bool payment_jobs::handles(std::string_view kind) const {
    return kind == "execute" || kind == "reconcile";
}

void payment_jobs::run(const postgres::job& j, pqxx::connection_base& cx) {
    if (j.kind == "execute") {
        execute(j, cx);
    } else {
        reconcile(j, cx);
    }
}

void payment_jobs::sweep(pqxx::connection_base& cx) {
    if (const auto n = postgres::schedule_reconciliations(cx, settings_.reconcile_after); n > 0) {
        log().info("reconciliations queued", {{"count", n}});
    }
}

void payment_jobs::execute(const postgres::job& j, pqxx::connection_base& cx) {
    const auto order =
        postgres::begin_execution(cx, j.request_id, processor_.name(), settings_.limits);
    if (!order) {
        return;
    }
    std::optional<ports::refund_result> result;
    if (!order->resumed && settings_.verify_refundable) {
        if (const auto b = processor_.balance(order->payment_reference)) {
            result = refusal(*order, *b);
        }
    }
    if (!result) {
        postgres::mark_sent(cx, j.request_id);
        result = processor_.refund(*order);
    }
#ifdef REFUNDBOT_FAULT_INJECTION
    // Test-only: die between the processor call and recording its result, the window in
    // which a refund could be paid twice if the idempotency key were not reused.
    if (std::getenv("REFUNDBOT_FAULT_CRASH_AFTER_REFUND") != nullptr) {
        std::_Exit(86);
    }
#endif
    outcomes_.add({std::string(processor_.name()), std::string(outcome_name(result->outcome))});
    log().info(
        "refund attempted",
        {{"refund_request_id", j.request_id},
         {"processor", processor_.name()},
         {"idempotency_key", order->idempotency_key},
         {"refund_id", result->refund_id},
         {"status", result->status},
         {"error_code", result->error_code}}
    );
    postgres::finish_execution(cx, *order, processor_.name(), *result);
}

void payment_jobs::reconcile(const postgres::job& j, pqxx::connection_base& cx) {
    const auto u = postgres::load_unsettled(cx, j.request_id);
    if (!u) {
        return;  // settled meanwhile (a webhook, the execute job)
    }
    if (u->processor != processor_.name()) {
        log().warn(
            "cannot reconcile: the execution went through another processor",
            {{"refund_request_id", j.request_id}, {"processor", u->processor}}
        );
        return;
    }
    if (u->state == "pending" && !u->refund_id.empty()) {
        const auto r = processor_.lookup(u->refund_id);
        postgres::finish_execution(cx, u->order, processor_.name(), r);
        return;
    }
    if (!u->order.resumed) {
        postgres::retry_execution(cx, j.request_id);  // never sent: nothing to look for
        return;
    }
    // Sent, never answered: the refund may or may not exist.
    if (const auto found = processor_.find(u->order)) {
        postgres::finish_execution(cx, u->order, processor_.name(), *found);
        return;
    }
    if (u->age < settings_.resend_until) {
        postgres::retry_execution(cx, j.request_id);
        return;
    }
    postgres::abandon_execution(
        cx,
        *u,
        "outcome_unknown",
        "no answer from the processor and no refund found there after " +
            std::to_string(u->age.count() / 3600) + " h; check the processor's dashboard"
    );
}

}  // namespace refundbot::bot::orchestrator
