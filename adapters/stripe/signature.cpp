#include "adapters/stripe/signature.hpp"

#include "adapters/crypto/crypto.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace refundbot::adapters::stripe {

namespace {

signature_check refused(std::string error, std::string message) {
    return {false, std::move(error), std::move(message)};
}

bool is_hex(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

}  // namespace

std::string compute_signature(std::string_view secret, std::int64_t t, std::string_view body) {
    std::string payload = std::to_string(t);
    payload += '.';
    payload += body;
    return crypto::to_hex(crypto::hmac_sha256(secret, payload));
}

std::string signature_header(std::string_view secret, std::int64_t t, std::string_view body) {
    return "t=" + std::to_string(t) + ",v1=" + compute_signature(secret, t, body);
}

signature_check verify_signature(
    std::optional<std::string_view> header,
    std::string_view body,
    const pipeline::core::secret& secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
) {
    if (!header || header->empty()) {
        return refused("missing_signature", "the Stripe-Signature header is missing");
    }
    std::optional<std::int64_t> t;
    std::vector<std::string_view> v1;
    std::string_view rest = *header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos || item.find('=', eq + 1) != std::string_view::npos) {
            return refused(
                "malformed_signature", "Stripe-Signature: every element must be key=value"
            );
        }
        const auto key = item.substr(0, eq);
        const auto value = item.substr(eq + 1);
        if (key == "t") {
            std::int64_t parsed = 0;
            const auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), parsed);
            if (ec != std::errc() || end != value.data() + value.size()) {
                return refused("malformed_signature", "Stripe-Signature: t is not a unix time");
            }
            t = parsed;
        } else if (key == "v1" && is_hex(value)) {
            v1.push_back(value);
        }
    }
    if (!t) {
        return refused(
            "malformed_signature", "Stripe-Signature: unable to extract the timestamp (t=)"
        );
    }
    if (v1.empty()) {
        return refused(
            "malformed_signature", "Stripe-Signature: no signatures found with expected scheme v1"
        );
    }
    const auto expected = compute_signature(secret.reveal(), *t, body);
    bool match = false;
    for (auto candidate : v1) {
        // Every candidate is compared, so the time taken does not tell which one matched.
        match = crypto::constant_time_equal(candidate, expected) || match;
    }
    if (!match) {
        return refused(
            "signature_mismatch", "no v1 signature matches the payload and the endpoint secret"
        );
    }
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (*t < now_s - tolerance.count()) {  // no arithmetic on t: any 64-bit value is safe
        const auto age = now_s - std::max(*t, now_s - 1'000'000'000'000);
        return refused(
            "stale_timestamp",
            "the signature timestamp is " + std::to_string(age) + " s old (tolerance " +
                std::to_string(tolerance.count()) + " s)"
        );
    }
    return {true, {}, {}};
}

}  // namespace refundbot::adapters::stripe
