#include "adapters/orders/first_answer.hpp"

namespace refundbot::adapters::orders {

first_answer::first_answer(std::vector<pipeline::ports::order_source*> sources)
    : sources_(std::move(sources)) {}

pipeline::model::order_facts first_answer::look_up(const pipeline::model::refund_request& request) {
    pipeline::model::order_facts last;
    std::string reasons;
    for (auto* source : sources_) {
        last = source->look_up(request);
        if (last.unavailable.empty() && last.order) {
            return last;
        }
        if (!last.unavailable.empty()) {
            reasons += (reasons.empty() ? "" : "; ") + last.unavailable;
        }
    }
    last.unavailable = reasons;
    return last;
}

}  // namespace refundbot::adapters::orders
