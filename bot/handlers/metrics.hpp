#pragma once

#include "bot/server/router.hpp"

namespace refundbot::adapters::telemetry {
class metrics_registry;
}  // namespace refundbot::adapters::telemetry

namespace refundbot::bot::handlers {

/// `GET /metrics`: every registered metric in the Prometheus text format 0.0.4.
[[nodiscard]] server::handler metrics(const adapters::telemetry::metrics_registry& registry);

}  // namespace refundbot::bot::handlers
