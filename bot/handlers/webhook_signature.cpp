#include "bot/handlers/webhook_signature.hpp"

#include "adapters/crypto/crypto.hpp"

#include <charconv>

namespace refundbot::bot::handlers {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    return s;
}

bool is_hex64(std::string_view s) {
    return s.size() == 64 &&
           s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

std::string mac_hex(std::string_view secret, std::string_view t, std::string_view body) {
    std::string signed_text(t);
    signed_text += '.';
    signed_text += body;
    return adapters::crypto::to_hex(adapters::crypto::hmac_sha256(secret, signed_text));
}

}  // namespace

signature_result verify_refundbot_signature(
    std::optional<std::string_view> header,
    std::string_view body,
    const std::vector<pipeline::core::secret>& secrets,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
) {
    if (!header || trim(*header).empty()) {
        return {
            signature_status::missing,
            "missing_signature",
            "X-Refundbot-Signature header is required"};
    }
    std::string_view t_text;
    std::vector<std::string> candidates;
    std::string_view rest = *header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto part = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (part.starts_with("t=")) {
            t_text = part.substr(2);
        } else if (part.starts_with("v1=")) {
            std::string mac(part.substr(3));
            for (auto& c : mac) {
                c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
            }
            if (is_hex64(mac)) {
                candidates.push_back(std::move(mac));
            }
        }
    }
    std::int64_t t = 0;
    const auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
    if (t_text.empty() || ec != std::errc() || end != t_text.data() + t_text.size() ||
        candidates.empty()) {
        return {
            signature_status::malformed,
            "malformed_signature",
            "X-Refundbot-Signature must be t=<unix seconds>,v1=<64 hex digits>",
        };
    }
    // In seconds and without arithmetic on t: any 64-bit t is compared without overflow.
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (t < now_s - tolerance.count() || t > now_s + tolerance.count()) {
        return {
            signature_status::stale,
            "stale_timestamp",
            "signature timestamp is more than " + std::to_string(tolerance.count()) +
                " s from the server's clock",
        };
    }
    for (const auto& s : secrets) {
        const auto expected = mac_hex(s.reveal(), t_text, body);
        for (const auto& c : candidates) {
            if (adapters::crypto::constant_time_equal(expected, c)) {
                return {signature_status::ok, "", ""};
            }
        }
    }
    return {
        signature_status::mismatch,
        "invalid_signature",
        "no v1 signature matches the request body"};
}

std::string sign_refundbot_request(std::string_view secret, std::int64_t t, std::string_view body) {
    const auto t_text = std::to_string(t);
    return "t=" + t_text + ",v1=" + mac_hex(secret, t_text, body);
}

}  // namespace refundbot::bot::handlers
