// The event normalizers: Stripe events, Zendesk ticket webhooks, Shopify refunds and return
// requests. The first byte picks the parser; any body gives a value or errors.
#include "adapters/shopify/webhooks.hpp"
#include "adapters/stripe/events.hpp"
#include "adapters/zendesk/webhooks.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot;
    if (size == 0) {
        return 0;
    }
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    const pipeline::core::timestamp received{std::chrono::milliseconds(1'790'000'000'000)};
    switch (data[0] % 4) {
        case 0:
            (void)adapters::stripe::parse_event(body);
            break;
        case 1:
            (void
            )adapters::zendesk::parse_ticket(body, adapters::zendesk::ticket_settings{}, received);
            break;
        case 2:
            (void)adapters::shopify::parse_refund(body);
            break;
        default:
            (void)adapters::shopify::parse_return_request(body, "USD", received);
            break;
    }
    return 0;
}
