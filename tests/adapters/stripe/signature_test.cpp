// Stripe-Signature verification against the full-header vectors of the API reference
// (Appendix A2: "<t>.<raw body>" signed as Stripe's SDKs sign it) and the SDKs' behaviour tests.
#include "adapters/stripe/signature.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::stripe {
namespace {

using namespace std::chrono_literals;

const std::string body = R"({"id":"evt_test_webhook","object":"event"})";
const pipeline::core::secret secret("whsec_test_secret");
constexpr auto t0 = std::chrono::system_clock::time_point(1700000000s);

TEST(stripe_signature, matches_the_reference_header_vectors) {
    EXPECT_EQ(
        compute_signature("whsec_test_secret", 1700000000, body),
        "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"
    );
    EXPECT_EQ(
        signature_header("whsec_test_secret", 1700000000, body),
        "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"
    );
    EXPECT_EQ(
        compute_signature(
            "whsec_test_secret",
            1700000000,
            "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}"
        ),
        "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150"
    );
}

TEST(stripe_signature, accepts_a_valid_header_within_tolerance) {
    const auto check = verify_signature(
        "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990",
        body,
        secret,
        t0 + 299s
    );
    EXPECT_TRUE(check.ok) << check.message;
}

TEST(stripe_signature, accepts_any_matching_v1_during_a_secret_roll_and_ignores_v0) {
    const std::string header =
        "t=1700000000,v1=e016b64cc4263f90e0336f3975e8d4ac9cc185935edc3ebdd405db64ad0bb1c5,"
        "v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990,v0=deadbeef";
    EXPECT_TRUE(verify_signature(header, body, secret, t0).ok);
    EXPECT_TRUE(verify_signature(header, body, pipeline::core::secret("whsec_old_secret"), t0).ok)
        << "the old secret's signature is the first v1";
    EXPECT_TRUE(verify_signature(
                    signature_header("whsec_test_secret", 1700000000, body) + ",v1=bad_signature",
                    body,
                    secret,
                    t0
    )
                    .ok);
}

TEST(stripe_signature, refuses_v0_only_tampered_stale_missing_and_malformed_headers) {
    const auto v0_only = verify_signature(
        "t=1700000000,v0=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990",
        body,
        secret,
        t0
    );
    EXPECT_FALSE(v0_only.ok);
    EXPECT_EQ(v0_only.error, "malformed_signature");

    const auto header = signature_header("whsec_test_secret", 1700000000, body);
    auto tampered = body;
    tampered[8] = 'X';
    EXPECT_EQ(verify_signature(header, tampered, secret, t0).error, "signature_mismatch");
    EXPECT_EQ(
        verify_signature(header, body, pipeline::core::secret("whsec_other"), t0).error,
        "signature_mismatch"
    );

    const auto stale = verify_signature(header, body, secret, t0 + 301s);
    EXPECT_EQ(stale.error, "stale_timestamp");
    EXPECT_NE(stale.message.find("301 s old"), std::string::npos) << stale.message;
    EXPECT_EQ(verify_signature(header, body, secret, t0 + 15s, 10s).error, "stale_timestamp");
    EXPECT_TRUE(verify_signature(header, body, secret, t0 - 60s).ok)
        << "like Stripe's SDKs, a timestamp ahead of the clock is not refused";

    EXPECT_EQ(verify_signature(std::nullopt, body, secret, t0).error, "missing_signature");
    EXPECT_EQ(verify_signature("", body, secret, t0).error, "missing_signature");
    EXPECT_EQ(
        verify_signature(
            "v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990", body, secret, t0
        )
            .error,
        "malformed_signature"
    );
    EXPECT_EQ(verify_signature("t=abc,v1=00", body, secret, t0).error, "malformed_signature");
    EXPECT_EQ(verify_signature("t=1700000000,v1", body, secret, t0).error, "malformed_signature");
    EXPECT_EQ(verify_signature(header, body, secret, t0).message, "");
}

}  // namespace
}  // namespace refundbot::adapters::stripe
