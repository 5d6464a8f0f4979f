#include "adapters/crypto/crypto.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::crypto {
namespace {

TEST(crypto, sha256_matches_the_fips_test_vectors) {
    EXPECT_EQ(
        to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    EXPECT_EQ(
        to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

TEST(crypto, hmac_sha256_matches_rfc_4231) {
    // RFC 4231 test case 2.
    EXPECT_EQ(
        to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

TEST(crypto, constant_time_equal_compares_content_and_length) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
    EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(crypto, base64_of_an_hmac_matches_zendesk_and_shopify_vectors) {
    // ../shared/reference/apis.md Appendix A4 (Zendesk's static test secret, used as is) and A3.
    EXPECT_EQ(
        to_base64(hmac_sha256(
            "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
            R"(2021-03-25T05:09:27Z{"event":"ticket.updated","id":123})"
        )),
        "S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM="
    );
    EXPECT_EQ(
        to_base64(hmac_sha256("hush", R"({"id":820982911946154508,"email":"jon@example.com"})")),
        "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8="
    );
    EXPECT_EQ(to_base64(""), "");
    EXPECT_EQ(to_base64("a"), "YQ==");
    EXPECT_EQ(to_base64("ab"), "YWI=");
    EXPECT_EQ(
        to_base64("support@example.com/token:abc"), "c3VwcG9ydEBleGFtcGxlLmNvbS90b2tlbjphYmM="
    );
}

}  // namespace
}  // namespace refundbot::adapters::crypto
