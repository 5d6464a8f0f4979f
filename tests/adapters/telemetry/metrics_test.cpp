#include "adapters/telemetry/metrics.hpp"
#include "tests/support/prometheus.hpp"

#include <gtest/gtest.h>

namespace refundbot::adapters::telemetry {
namespace {

TEST(metrics_registry, renders_valid_exposition_for_every_kind) {
    metrics_registry r;
    auto& c = r.counter("t_requests_total", "Requests.\nSecond line \\ too.", {"route", "status"});
    c.add({"/a", "200"});
    c.add({"/a", "200"}, 2);
    c.add({"/we\"ird\\path\n", "500"});
    auto& h = r.histogram("t_duration_seconds", "Durations.", {"route"}, {0.1, 0.01, 1});
    h.observe({"/a"}, 0.005);
    h.observe({"/a"}, 0.05);
    h.observe({"/a"}, 5);
    r.gauge("t_pool", "Pool.", {"state"}, [] {
        return std::vector<gauge_sample>{{{"open"}, 3}, {{"idle"}, 1}};
    });
    r.counter_callback("t_drops_total", "Drops.", {}, [] {
        return std::vector<gauge_sample>{{{}, 7}};
    });

    const auto text = r.render();
    const auto parsed = tests::parse_exposition(text);
    EXPECT_TRUE(parsed.problems.empty()) << ::testing::PrintToString(parsed.problems) << "\n"
                                         << text;

    EXPECT_EQ(parsed.types.at("t_requests_total"), "counter");
    EXPECT_EQ(parsed.types.at("t_duration_seconds"), "histogram");
    EXPECT_EQ(parsed.types.at("t_pool"), "gauge");
    EXPECT_EQ(parsed.types.at("t_drops_total"), "counter");
    EXPECT_EQ(parsed.samples.at(R"(t_requests_total{route="/a",status="200"})"), 3);
    EXPECT_EQ(parsed.samples.at(R"(t_requests_total{route="/we\"ird\\path\n",status="500"})"), 1);
    // Buckets are cumulative, sorted by bound, and end with +Inf equal to the count.
    EXPECT_EQ(parsed.samples.at(R"(t_duration_seconds_bucket{route="/a",le="0.01"})"), 1);
    EXPECT_EQ(parsed.samples.at(R"(t_duration_seconds_bucket{route="/a",le="0.1"})"), 2);
    EXPECT_EQ(parsed.samples.at(R"(t_duration_seconds_bucket{route="/a",le="1"})"), 2);
    EXPECT_EQ(parsed.samples.at(R"(t_duration_seconds_bucket{route="/a",le="+Inf"})"), 3);
    EXPECT_EQ(parsed.samples.at(R"(t_duration_seconds_count{route="/a"})"), 3);
    EXPECT_DOUBLE_EQ(parsed.samples.at(R"(t_duration_seconds_sum{route="/a"})"), 5.055);
    EXPECT_EQ(parsed.samples.at(R"(t_pool{state="open"})"), 3);
    EXPECT_EQ(parsed.samples.at("t_drops_total"), 7);
    EXPECT_NE(
        text.find("# HELP t_requests_total Requests.\\nSecond line \\\\ too.\n"), std::string::npos
    );
}

TEST(metrics_registry, rejects_a_name_registered_twice) {
    metrics_registry r;
    r.counter("t_total", "x", {});
    EXPECT_THROW(r.counter("t_total", "x", {}), std::logic_error);
}

TEST(counter_family, counts_concurrent_increments_exactly) {
    metrics_registry r;
    auto& c = r.counter("t_total", "x", {"k"});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10'000; ++i) {
                c.add({"v"});
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(c.value({"v"}), 40'000);
}

}  // namespace
}  // namespace refundbot::adapters::telemetry
