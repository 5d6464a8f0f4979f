#include "pipeline/ports/refund_processor.hpp"

namespace refundbot::pipeline::ports {

refund_result result_of(const model::processor_refund& r) {
    refund_result out;
    out.refund_id = r.refund_id;
    out.status = r.status;
    if (r.status == "succeeded") {
        out.outcome = refund_outcome::succeeded;
    } else if (r.status == "pending" || r.status == "requires_action") {
        out.outcome = refund_outcome::pending;
    } else if (r.status == "failed" || r.status == "canceled") {
        out.outcome = refund_outcome::failed;
        out.error_code = r.failure_reason.empty() ? r.status : r.failure_reason;
        out.error = "the processor reports the refund " + r.status;
    } else {
        out.error = "unrecognized refund status " + r.status;
    }
    return out;
}

}  // namespace refundbot::pipeline::ports
