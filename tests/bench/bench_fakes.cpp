// The loopback Stripe and Slack that tests/bench/run.sh points refundbot at: the same fakes
// the integration tests use, with charges pi_<prefix>-0 .. pi_<prefix>-<N-1> captured up front.
// Prints {"stripe": url, "slack": url} and runs until SIGTERM or SIGINT, then prints the
// Stripe ledger: refunds, POSTs, and any charge refunded more than once.
#include "adapters/telemetry/log.hpp"
#include "tests/support/fake_slack.hpp"
#include "tests/support/fake_stripe.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: bench_fakes PREFIX CHARGES\n";
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the fakes start their threads

    // Our stdout is a pipe the benchmark reads once; an access log line per request would fill it.
    refundbot::adapters::telemetry::init_logging(
        refundbot::adapters::telemetry::log_level::warn,
        refundbot::adapters::telemetry::log_format::json
    );
    refundbot::tests::fake_stripe stripe;
    refundbot::tests::fake_slack slack;
    const std::string prefix = argv[1];
    const long long charges = std::atoll(argv[2]);
    for (long long i = 0; i < charges; ++i) {
        stripe.add_charge(prefix + "-" + std::to_string(i), 2900);
    }
    std::cout << R"({"stripe":")" << stripe.base_url() << R"(","slack":")" << slack.api_url()
              << "\"}" << std::endl;

    int sig = 0;
    sigwait(&stop, &sig);
    std::map<std::string, int> per_charge;
    const auto refunds = stripe.refunds();
    for (const auto& r : refunds) {
        ++per_charge[r.charge];
    }
    long long twice = 0;
    for (const auto& [charge, n] : per_charge) {
        twice += n > 1 ? 1 : 0;
    }
    std::cout << R"({"refunds":)" << refunds.size() << R"(,"refund_posts":)"
              << stripe.refund_posts() << R"(,"charges_refunded_twice":)" << twice << "}"
              << std::endl;
    return 0;
}
