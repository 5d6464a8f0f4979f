#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refundbot::pipeline::core {

/// Decimal places of an ISO 4217 currency (USD 2, JPY 0, KWD 3), or nullopt when `code` is not
/// a known active currency code.
[[nodiscard]] std::optional<int> currency_exponent(std::string_view code);

/// An amount in integer minor units (cents, yen, fils) of an ISO 4217 currency. Money is never
/// a floating-point number once parsed.
struct money {
    std::int64_t minor = 0;
    std::string currency;

    friend bool operator==(const money&, const money&) = default;
};

/// Parses a plain decimal ("49", "49.5", "49.00", "-3.10") into minor units of a currency with
/// `exponent` decimals. Rejects more decimals than the currency has, exponents, signs other
/// than a leading '-', and values beyond +/- 10^15 minor units. On failure returns nullopt and
/// sets `error` to a short reason.
[[nodiscard]] std::optional<std::int64_t> parse_minor_units(
    std::string_view decimal, int exponent, std::string& error
);

/// The shortest decimal text that reads back as `value` ("49.001", "129"): how a JSON number
/// literal is recovered exactly, so that money never goes through float arithmetic.
[[nodiscard]] std::string shortest_decimal(double value);

/// "49.00 USD", "5000 JPY".
[[nodiscard]] std::string format_money(const money& m);

/// `minor` as a plain decimal with the currency's exponent ("49.00"), for JSON output.
[[nodiscard]] std::string format_decimal(std::int64_t minor, int exponent);

}  // namespace refundbot::pipeline::core
