#pragma once

#include "pipeline/core/money.hpp"

#include <string>
#include <string_view>

namespace refundbot::pipeline::ports {

/// One refund to execute. The idempotency key is stored before the call and reused by every
/// retry, so a processor sees one refund however often it is asked.
struct refund_order {
    std::string request_id;
    std::string idempotency_key;    ///< "<request_id>:refund"
    std::string payment_reference;  ///< payment intent or charge id
    core::money amount;
};

struct refund_result {
    bool succeeded = false;
    std::string refund_id;
    std::string error;
    bool retryable = false;  ///< a timeout or 5xx: try again with the same key
};

/// The execution port: the sandbox processor here, Stripe in adapters/stripe (#6). Called from
/// job workers, never from an I/O thread.
class refund_processor {
public:
    virtual ~refund_processor() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    [[nodiscard]] virtual refund_result refund(const refund_order& order) = 0;
};

}  // namespace refundbot::pipeline::ports
