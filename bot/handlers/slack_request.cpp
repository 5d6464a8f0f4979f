#include "bot/handlers/slack_request.hpp"

#include "adapters/crypto/crypto.hpp"

#include <charconv>

namespace refundbot::bot::handlers {

std::string sign_slack_request(
    std::string_view signing_secret, std::int64_t timestamp, std::string_view body
) {
    const auto base = "v0:" + std::to_string(timestamp) + ":" + std::string(body);
    return "v0=" + adapters::crypto::to_hex(adapters::crypto::hmac_sha256(signing_secret, base));
}

signature_result verify_slack_signature(
    std::optional<std::string_view> timestamp,
    std::optional<std::string_view> signature,
    std::string_view body,
    const pipeline::core::secret& signing_secret,
    std::chrono::system_clock::time_point now,
    std::chrono::seconds tolerance
) {
    if (!timestamp || !signature) {
        return {
            signature_status::missing,
            "missing_signature",
            "X-Slack-Request-Timestamp and X-Slack-Signature are required"};
    }
    std::int64_t t = 0;
    const auto* end = timestamp->data() + timestamp->size();
    if (const auto [ptr, ec] = std::from_chars(timestamp->data(), end, t);
        ec != std::errc{} || ptr != end || timestamp->empty()) {
        return {
            signature_status::malformed,
            "malformed_signature",
            "X-Slack-Request-Timestamp must be Unix seconds"};
    }
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (t < now_s - tolerance.count() || t > now_s + tolerance.count()) {  // no overflow on t
        return {
            signature_status::stale,
            "stale_timestamp",
            "X-Slack-Request-Timestamp is more than " + std::to_string(tolerance.count()) +
                " s from now"};
    }
    if (!signature->starts_with("v0=")) {
        return {
            signature_status::malformed,
            "malformed_signature",
            "X-Slack-Signature must be v0=<hex>"};
    }
    const auto expected = sign_slack_request(signing_secret.reveal(), t, body);
    if (!adapters::crypto::constant_time_equal(expected, *signature)) {
        return {
            signature_status::mismatch,
            "signature_mismatch",
            "X-Slack-Signature does not match the body"};
    }
    return {signature_status::ok, {}, {}};
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::optional<std::string> decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
            const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto part = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (part.empty()) {
            continue;
        }
        const auto eq = part.find('=');
        auto name = decode(part.substr(0, eq));
        auto value =
            decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
        if (!name || !value) {
            return std::nullopt;
        }
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::optional<std::string> form_value(
    const std::vector<std::pair<std::string, std::string>>& form, std::string_view name
) {
    for (const auto& [k, v] : form) {
        if (k == name) {
            return v;
        }
    }
    return std::nullopt;
}

}  // namespace refundbot::bot::handlers
