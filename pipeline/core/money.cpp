#include "pipeline/core/money.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace refundbot::pipeline::core {
namespace {

struct currency_entry {
    std::string_view code;
    int exponent;
};

// Active ISO 4217 codes (2024 list). Sorted by code for binary search.
constexpr std::array<currency_entry, 159> currencies = {{
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2},
    {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2},
    {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2},
    {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0},
    {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2},
    {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
    {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2},
    {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2},
    {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2},
    {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2},
    {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYI", 0}, {"UYU", 2},
    {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0},
    {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
}};

// Larger amounts are not refunds but input mistakes; the bound also keeps every
// intermediate value far from int64 overflow.
constexpr std::int64_t max_minor = 1'000'000'000'000'000;

}  // namespace

std::optional<int> currency_exponent(std::string_view code) {
    const auto it = std::lower_bound(
        currencies.begin(),
        currencies.end(),
        code,
        [](const currency_entry& e, std::string_view c) { return e.code < c; }
    );
    if (it == currencies.end() || it->code != code) {
        return std::nullopt;
    }
    return it->exponent;
}

std::optional<std::int64_t> parse_minor_units(
    std::string_view decimal, int exponent, std::string& error
) {
    std::string_view s = decimal;
    const bool negative = !s.empty() && s.front() == '-';
    if (negative) {
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    const auto digits_only = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || !digits_only(whole) || !digits_only(fraction) ||
        (dot != std::string_view::npos && fraction.empty())) {
        error = "expected a decimal amount, got \"" + std::string(decimal) + "\"";
        return std::nullopt;
    }
    while (!fraction.empty() && fraction.back() == '0' &&
           fraction.size() > static_cast<std::size_t>(exponent)) {
        fraction.remove_suffix(1);
    }
    if (fraction.size() > static_cast<std::size_t>(exponent)) {
        error = "has " + std::to_string(fraction.size()) + " decimals; the currency allows " +
                std::to_string(exponent);
        return std::nullopt;
    }
    if (whole.size() > 16) {
        error = "is too large";
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (char c : whole) {
        value = value * 10 + (c - '0');
    }
    for (int i = 0; i < exponent; ++i) {
        const auto idx = static_cast<std::size_t>(i);
        value = value * 10 + (idx < fraction.size() ? fraction[idx] - '0' : 0);
    }
    if (value > max_minor) {
        error = "is too large";
        return std::nullopt;
    }
    return negative ? -value : value;
}

std::string shortest_decimal(double value) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    if (res.ec != std::errc()) {
        return "(out of range)";  // rejected by parse_minor_units like any non-decimal
    }
    return {buf, res.ptr};
}

std::string format_decimal(std::int64_t minor, int exponent) {
    const bool negative = minor < 0;
    std::string digits = std::to_string(negative ? -minor : minor);
    if (exponent > 0) {
        const auto e = static_cast<std::size_t>(exponent);
        if (digits.size() <= e) {
            digits.insert(0, e + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - e, ".");
    }
    return negative ? "-" + digits : digits;
}

std::string format_money(const money& m) {
    return format_decimal(m.minor, currency_exponent(m.currency).value_or(2)) + " " + m.currency;
}

}  // namespace refundbot::pipeline::core
