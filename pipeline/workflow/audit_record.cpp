#include "pipeline/workflow/audit_record.hpp"

#include "pipeline/core/json_writer.hpp"
#include "pipeline/core/money.hpp"

namespace refundbot::pipeline::workflow {

namespace {

template <class T>
void optional_value(core::json_writer& w, std::string_view key, const std::optional<T>& v) {
    w.key(key);
    if (v) {
        w.value(*v);
    } else {
        w.null();
    }
}

}  // namespace

std::string canonical_json(const audit_record& r) {
    core::json_writer w(512);
    w.begin_object();
    w.key("actor").value(r.actor);
    w.key("audit_id").value(r.audit_id);
    w.key("decision").begin_object();
    if (r.ai_model) {
        // Only when a model was asked, so records written before models existed hash as they did.
        w.key("ai").begin_object();
        optional_value(w, "cost_microusd", r.ai_cost_microusd);
        optional_value(w, "input_tokens", r.ai_input_tokens);
        w.key("model").value(*r.ai_model);
        optional_value(w, "output_tokens", r.ai_output_tokens);
        optional_value(w, "prompt_version", r.prompt_version);
        optional_value(w, "unavailable", r.ai_unavailable);
        w.end_object();
    }
    optional_value(w, "ai_confidence", r.ai_confidence);
    optional_value(w, "ai_decision", r.ai_decision);
    optional_value(w, "human_override", r.human_override);
    w.end_object();
    w.key("event").value(r.event);
    w.key("execution").begin_object();
    if (r.error_code) {
        w.key("error_code").value(*r.error_code);
    }
    optional_value(w, "idempotency_key", r.idempotency_key);
    optional_value(w, "processor", r.processor);
    optional_value(w, "refund_id", r.refund_id);
    if (r.processor_status) {
        w.key("status").value(*r.processor_status);
    }
    w.end_object();
    w.key("inputs").begin_object();
    w.key("amount_requested");
    if (r.amount_requested && r.currency) {
        w.value(core::format_decimal(
            *r.amount_requested, core::currency_exponent(*r.currency).value_or(2)
        ));
    } else {
        w.null();
    }
    optional_value(w, "currency", r.currency);
    optional_value(w, "policy_version", r.policy_version);
    optional_value(w, "risk_score", r.risk_score);
    w.end_object();
    w.key("request_id").value(r.request_id);
    w.key("timestamp").value(core::format_rfc3339(r.occurred_at));
    w.end_object();
    return w.take();
}

}  // namespace refundbot::pipeline::workflow
