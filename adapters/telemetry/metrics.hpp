#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::adapters::telemetry {

using label_values = std::vector<std::string>;

/// A monotonically increasing count per label set.
/// @par Thread safety
/// Safe to use from any thread.
class counter_family {
public:
    void add(const label_values& labels, double amount = 1.0);
    [[nodiscard]] double value(const label_values& labels) const;

private:
    friend class metrics_registry;
    mutable std::mutex mutex_;
    std::map<label_values, double> values_;
};

/// Observations bucketed by upper bound, per label set (cumulative on output).
/// @par Thread safety
/// Safe to use from any thread.
class histogram_family {
public:
    explicit histogram_family(std::vector<double> bounds) : bounds_(std::move(bounds)) {}
    void observe(const label_values& labels, double value);

private:
    friend class metrics_registry;
    struct series {
        std::vector<std::uint64_t> buckets;  // non-cumulative; the last one is +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    std::vector<double> bounds_;
    mutable std::mutex mutex_;
    std::map<label_values, series> series_;
};

/// A gauge read at scrape time (pool sizes, queue depths).
struct gauge_sample {
    label_values labels;
    double value = 0;
};
using gauge_reader = std::function<std::vector<gauge_sample>()>;

/// The process's metrics, rendered in the Prometheus text exposition format 0.0.4.
/// Families live as long as the registry; the references it hands out stay valid.
/// @par Thread safety
/// Registration and rendering are safe from any thread.
class metrics_registry {
public:
    counter_family& counter(
        std::string name, std::string help, std::vector<std::string> label_names
    );
    histogram_family& histogram(
        std::string name,
        std::string help,
        std::vector<std::string> label_names,
        std::vector<double> bounds
    );
    void gauge(
        std::string name,
        std::string help,
        std::vector<std::string> label_names,
        gauge_reader reader
    );
    /// A counter kept elsewhere (e.g. by the connection pool), read at scrape time.
    void counter_callback(
        std::string name,
        std::string help,
        std::vector<std::string> label_names,
        gauge_reader reader
    );

    [[nodiscard]] std::string render() const;

private:
    struct family {
        std::string name;
        std::string help;
        std::string type;
        std::vector<std::string> label_names;
        std::unique_ptr<counter_family> counter;
        std::unique_ptr<histogram_family> histogram;
        gauge_reader gauge;
    };
    family& add(
        std::string name, std::string help, std::string type, std::vector<std::string> labels
    );

    mutable std::mutex mutex_;
    std::map<std::string, family> families_;
};

/// Default latency buckets in seconds, from 1 ms to 10 s.
[[nodiscard]] std::vector<double> latency_buckets();

}  // namespace refundbot::adapters::telemetry
