#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace refundbot::adapters::crypto {

using digest = std::array<std::uint8_t, 32>;

/// SHA-256 of `data` (OpenSSL EVP).
[[nodiscard]] digest sha256(std::string_view data);

/// HMAC-SHA256 of `data` under `key`.
[[nodiscard]] digest hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hex of `d`.
[[nodiscard]] std::string to_hex(const digest& d);

/// 32 bytes from OpenSSL's CSPRNG as 64 hex digits: throwaway secrets and tokens.
[[nodiscard]] std::string random_hex();

/// Standard base64 (with padding) of `bytes`: Shopify and Zendesk signatures, Basic auth.
[[nodiscard]] std::string to_base64(std::string_view bytes);
[[nodiscard]] std::string to_base64(const digest& d);

/// Compares two byte strings in time that depends only on their lengths (CRYPTO_memcmp), for
/// signatures and MACs.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace refundbot::adapters::crypto
