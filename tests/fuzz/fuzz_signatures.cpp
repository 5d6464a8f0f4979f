// Every signature header parser. The input is split at the first two newlines into a header
// (or timestamp), a second header and the body; none may crash, and none may accept a
// signature that was not made with the secret.
#include "adapters/shopify/webhooks.hpp"
#include "adapters/stripe/signature.hpp"
#include "adapters/zendesk/webhooks.hpp"
#include "bot/handlers/slack_request.hpp"
#include "bot/handlers/webhook_signature.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto cut = [&in] {
        const auto nl = in.find('\n');
        const auto part = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
        return part;
    };
    const auto first = cut();
    const auto second = cut();
    const auto body = in;
    const pipeline::core::secret secret("fuzz-secret");
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    const auto tolerance = std::chrono::seconds(300);

    const auto ours =
        bot::handlers::verify_refundbot_signature(first, body, {secret}, now, tolerance);
    const auto slack =
        bot::handlers::verify_slack_signature(first, second, body, secret, now, tolerance);
    const auto stripe = adapters::stripe::verify_signature(first, body, secret, now, tolerance);
    const auto zendesk =
        adapters::zendesk::verify_signature(first, second, body, secret, now, tolerance);
    const bool shopify = adapters::shopify::verify_hmac(first, body, secret);
    // The fuzzer cannot compute HMAC-SHA256: any acceptance is a parser accepting garbage.
    if (ours.status == bot::handlers::signature_status::ok ||
        slack.status == bot::handlers::signature_status::ok || stripe.ok || zendesk.ok || shopify) {
        std::abort();
    }
    return 0;
}
