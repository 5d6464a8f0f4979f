#pragma once

#include "bot/server/router.hpp"

namespace refundbot::adapters::postgres {
class database;
}  // namespace refundbot::adapters::postgres

namespace refundbot::bot::handlers {

/// `GET /healthz`: 200 while the process runs (liveness).
[[nodiscard]] server::handler healthz();

/// `GET /readyz`: 200 when PostgreSQL answers and every migration is applied, else 503 with the
/// reason (readiness: load balancers stop sending traffic, nothing restarts).
[[nodiscard]] server::handler readyz(adapters::postgres::database& db);

}  // namespace refundbot::bot::handlers
