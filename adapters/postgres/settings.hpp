#pragma once

#include "pipeline/core/secret.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace refundbot::adapters::postgres {

/// How to reach PostgreSQL and how hard to try. Built by the composition root from config.
struct database_settings {
    /// libpq connection string: a URI (`postgresql://user@host:5432/db`) or `key=value` pairs.
    std::string url = "postgresql://refundbot@127.0.0.1:5432/refundbot";
    /// Added to `url` when set; kept apart so the URL can live in a config file.
    pipeline::core::secret password;
    std::size_t pool_size = 8;
    std::chrono::milliseconds acquire_timeout{2000};
    std::chrono::seconds connect_timeout{5};
    std::chrono::milliseconds statement_timeout{5000};
    std::string application_name = "refundbot";
};

/// The libpq connection string for `s`, password and timeouts included. Holds the secret:
/// never log it (pipeline::core::redact masks it if it slips).
[[nodiscard]] std::string connection_string(const database_settings& s);

}  // namespace refundbot::adapters::postgres
