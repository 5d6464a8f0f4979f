#include "adapters/telemetry/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace refundbot::adapters::telemetry {
namespace {

// Exposition format 0.0.4: label values escape backslash, double quote and newline; HELP text
// escapes backslash and newline only.
void append_escaped(std::string& out, std::string_view value, bool quotes) {
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quotes && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

void append_number(std::string& out, double v) {
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    if (std::isnan(v)) {
        out += "NaN";
        return;
    }
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    out.append(buf, res.ptr);
}

void append_labels(
    std::string& out,
    const std::vector<std::string>& names,
    const label_values& values,
    std::string_view extra_name = {},
    std::string_view extra_value = {}
) {
    if (names.empty() && extra_name.empty()) {
        return;
    }
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += names[i];
        out += "=\"";
        append_escaped(out, values[i], true);
        out += '"';
    }
    if (!extra_name.empty()) {
        if (!first) {
            out += ',';
        }
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
}

void append_sample(
    std::string& out,
    std::string_view name,
    const std::vector<std::string>& label_names,
    const label_values& labels,
    double value,
    std::string_view extra_name = {},
    std::string_view extra_value = {}
) {
    out += name;
    append_labels(out, label_names, labels, extra_name, extra_value);
    out += ' ';
    append_number(out, value);
    out += '\n';
}

}  // namespace

void counter_family::add(const label_values& labels, double amount) {
    std::lock_guard lock(mutex_);
    values_[labels] += amount;
}

double counter_family::value(const label_values& labels) const {
    std::lock_guard lock(mutex_);
    const auto it = values_.find(labels);
    return it == values_.end() ? 0.0 : it->second;
}

void histogram_family::observe(const label_values& labels, double value) {
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin()
    );
    std::lock_guard lock(mutex_);
    auto& s = series_[labels];
    if (s.buckets.empty()) {
        s.buckets.assign(bounds_.size() + 1, 0);
    }
    ++s.buckets[bucket];
    s.sum += value;
    ++s.count;
}

metrics_registry::family& metrics_registry::add(
    std::string name, std::string help, std::string type, std::vector<std::string> labels
) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = families_.try_emplace(name);
    if (!inserted) {
        throw std::logic_error("metric registered twice: " + name);
    }
    it->second.name = std::move(name);
    it->second.help = std::move(help);
    it->second.type = std::move(type);
    it->second.label_names = std::move(labels);
    return it->second;
}

counter_family& metrics_registry::counter(
    std::string name, std::string help, std::vector<std::string> label_names
) {
    auto& f = add(std::move(name), std::move(help), "counter", std::move(label_names));
    f.counter = std::make_unique<counter_family>();
    return *f.counter;
}

histogram_family& metrics_registry::histogram(
    std::string name,
    std::string help,
    std::vector<std::string> label_names,
    std::vector<double> bounds
) {
    std::sort(bounds.begin(), bounds.end());
    auto& f = add(std::move(name), std::move(help), "histogram", std::move(label_names));
    f.histogram = std::make_unique<histogram_family>(std::move(bounds));
    return *f.histogram;
}

void metrics_registry::gauge(
    std::string name, std::string help, std::vector<std::string> label_names, gauge_reader reader
) {
    auto& f = add(std::move(name), std::move(help), "gauge", std::move(label_names));
    f.gauge = std::move(reader);
}

void metrics_registry::counter_callback(
    std::string name, std::string help, std::vector<std::string> label_names, gauge_reader reader
) {
    auto& f = add(std::move(name), std::move(help), "counter", std::move(label_names));
    f.gauge = std::move(reader);
}

std::string metrics_registry::render() const {
    std::string out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, f] : families_) {
        out += "# HELP ";
        out += name;
        out += ' ';
        append_escaped(out, f.help, false);
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += f.type;
        out += '\n';
        if (f.counter) {
            std::lock_guard values_lock(f.counter->mutex_);
            for (const auto& [labels, value] : f.counter->values_) {
                append_sample(out, name, f.label_names, labels, value);
            }
        } else if (f.histogram) {
            const auto& h = *f.histogram;
            std::lock_guard series_lock(h.mutex_);
            for (const auto& [labels, s] : h.series_) {
                std::uint64_t cumulative = 0;
                for (std::size_t i = 0; i <= h.bounds_.size(); ++i) {
                    cumulative += s.buckets[i];
                    std::string le;
                    if (i == h.bounds_.size()) {
                        le = "+Inf";
                    } else {
                        append_number(le, h.bounds_[i]);
                    }
                    append_sample(
                        out,
                        name + "_bucket",
                        f.label_names,
                        labels,
                        static_cast<double>(cumulative),
                        "le",
                        le
                    );
                }
                append_sample(out, name + "_sum", f.label_names, labels, s.sum);
                append_sample(
                    out, name + "_count", f.label_names, labels, static_cast<double>(s.count)
                );
            }
        } else if (f.gauge) {
            for (const auto& sample : f.gauge()) {
                append_sample(out, name, f.label_names, sample.labels, sample.value);
            }
        }
    }
    return out;
}

std::vector<double> latency_buckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace refundbot::adapters::telemetry
