#pragma once

#include "adapters/postgres/settings.hpp"

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class connection_base;
}  // namespace pqxx

namespace refundbot::adapters::postgres {

/// One numbered schema change from adapters/postgres/schema/NNNN_name.sql.
struct migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

/// The migrations compiled into this binary, in version order.
[[nodiscard]] std::span<const migration> embedded_migrations();

/// A migration failed or the recorded history does not match this binary's migrations.
struct migration_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct migration_outcome {
    std::vector<int> applied;  ///< versions this call applied
    std::size_t already_applied = 0;
};

/// Applies every migration not yet recorded in `schema_migrations`, in order, each in its own
/// transaction, under a PostgreSQL advisory lock so replicas starting together apply each one
/// exactly once. A recorded migration whose text has changed since is an error.
/// @throws migration_error (with the migration's name and PostgreSQL's message), or
/// pqxx::broken_connection when the database cannot be reached.
migration_outcome apply_migrations(
    const database_settings& settings, std::span<const migration> migrations
);

/// What a running service compares against: which of `migrations` are not applied yet.
struct migration_status {
    std::vector<int> pending;
};
[[nodiscard]] migration_status check_migrations(
    pqxx::connection_base& cx, std::span<const migration> migrations
);

/// `0001_foundation`.
[[nodiscard]] std::string migration_label(const migration& m);

}  // namespace refundbot::adapters::postgres
