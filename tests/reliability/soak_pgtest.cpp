// A short soak in every test run: steady load through intake, decisions and refunds. After the
// warm-up, resident memory may grow by at most 10% and descriptors (sockets, files) not at
// all. REFUNDBOT_SOAK_SECONDS lengthens it; the 10-minute soak at half the measured intake
// capacity is `./tests/bench/run.sh --only soak`.
#include "tests/reliability/load.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace refundbot::reliability {
namespace {

struct usage {
    long rss_kib = 0;
    long fds = 0;
};

usage usage_of(pid_t pid) {
    usage u;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:")) {
            u.rss_kib = std::stol(line.substr(6));
        }
    }
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        ++u.fds;
    }
    return u;
}

TEST(soak, memory_and_descriptors_stay_flat_under_steady_load) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "a sanitizer's allocator (quarantine, shadow memory) says nothing about RSS";
#endif
    const char* configured = std::getenv("REFUNDBOT_SOAK_SECONDS");
    const int seconds = configured ? std::atoi(configured) : 60;
    // Four senders, each a request every ~30 ms: about 120 requests/s, all the way to REFUNDED.
    const int n = seconds * 120;
    const std::string prefix = "soak";
    tests::scratch_database db;
    tests::fake_stripe stripe;
    for (int i = 0; i < n; ++i) {
        stripe.add_charge(request_id(prefix, i), 35000);
    }
    tests::service svc(db.url(), stripe_env(stripe));
    const auto pid = svc.process->pid();

    std::vector<usage> samples;
    {
        senders load(svc.port, prefix, n, 4, 30ms);
        const auto started = std::chrono::steady_clock::now();
        while (!load.done()) {
            std::this_thread::sleep_for(1s);
            if (std::chrono::steady_clock::now() - started >= std::chrono::seconds(seconds / 3) &&
                samples.empty()) {
                samples.push_back(usage_of(pid));  // after the warm-up
            }
        }
        load.join();
        ASSERT_TRUE(load.wrong.empty()) << load.wrong.front();
        ASSERT_EQ(load.acknowledged.size(), static_cast<std::size_t>(n));
    }
    ASSERT_FALSE(samples.empty()) << "the load ended before the warm-up did";
    EXPECT_EQ(
        db.wait_for(
            "SELECT count(*) FROM requests WHERE state IN ('REFUNDED', 'DENIED', "
            "'PENDING_REVIEW')",
            std::to_string(n),
            120s
        ),
        std::to_string(n)
    );
    samples.push_back(usage_of(pid));
    const auto& first = samples.front();
    const auto& last = samples.back();
    std::ostringstream report;
    report << "RSS " << first.rss_kib << " -> " << last.rss_kib << " KiB, descriptors " << first.fds
           << " -> " << last.fds << " over " << n << " requests";
    EXPECT_LE(last.rss_kib, first.rss_kib * 11 / 10) << report.str();
    EXPECT_LE(last.fds, first.fds + 2) << report.str();
    std::cout << "[ soak ] " << report.str() << "\n";
}

}  // namespace
}  // namespace refundbot::reliability
