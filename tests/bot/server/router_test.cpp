#include "bot/server/router.hpp"

#include <gtest/gtest.h>

namespace refundbot::bot::server {
namespace {

handler answering(unsigned status) {
    return [status](const http_request&) -> boost::asio::awaitable<http_response> {
        co_return http_response::text(status, "");
    };
}

TEST(router, finds_the_handler_for_method_and_path) {
    router r;
    r.add("GET", "/a", answering(200))
        .add("POST", "/a", answering(201))
        .add("GET", "/b", answering(202));
    const auto m = r.find("POST", "/a");
    EXPECT_EQ(m.outcome, router::match::kind::found);
    ASSERT_NE(m.target, nullptr);
    EXPECT_EQ(m.route, "/a");
}

TEST(router, reports_unknown_paths_as_not_found_with_a_bounded_label) {
    router r;
    r.add("GET", "/a", answering(200));
    const auto m = r.find("GET", "/a/");
    EXPECT_EQ(m.outcome, router::match::kind::not_found);
    EXPECT_EQ(m.route, "unmatched");
}

TEST(router, lists_allowed_methods_for_a_known_path) {
    router r;
    r.add("GET", "/a", answering(200)).add("POST", "/a", answering(201));
    const auto m = r.find("DELETE", "/a");
    EXPECT_EQ(m.outcome, router::match::kind::method_not_allowed);
    EXPECT_EQ(m.allow, "GET, POST");
    EXPECT_EQ(m.route, "/a");
}

TEST(router, refuses_a_duplicate_route) {
    router r;
    r.add("GET", "/a", answering(200));
    EXPECT_THROW(r.add("GET", "/a", answering(200)), std::logic_error);
}

}  // namespace
}  // namespace refundbot::bot::server
