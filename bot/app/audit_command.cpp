#include "bot/app/audit_command.hpp"

#include "adapters/postgres/audit_log.hpp"
#include "adapters/postgres/workflow_store.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/config.hpp"
#include "pipeline/core/money.hpp"
#include "pipeline/core/redact.hpp"

#include <pqxx/pqxx>

#include <iostream>

namespace refundbot::bot::app {

namespace {

template <class F>
int with_database(const std::optional<std::string>& config_file, F&& body) {
    const auto env = process_environment();
    const auto cfg = load_config(config_path(config_file, env), env);
    if (!cfg.value) {
        for (const auto& e : cfg.errors) {
            std::cerr << e << '\n';
        }
        return exit_usage;
    }
    try {
        pqxx::connection cx(adapters::postgres::connection_string(cfg.value->db));
        return body(cx);
    } catch (const std::exception& e) {
        std::cerr << "refundbot audit: " << pipeline::core::redact(e.what()) << '\n';
        return exit_failure;
    }
}

}  // namespace

int run_audit_verify(const std::optional<std::string>& config_file) {
    return with_database(config_file, [](pqxx::connection_base& cx) {
        const auto check = adapters::postgres::verify_audit_chain(cx);
        if (check.intact) {
            std::cout << "audit chain intact: " << check.rows << " rows verified\n";
            return static_cast<int>(exit_ok);
        }
        std::cout << "audit chain BROKEN at audit_id " << *check.broken_audit_id << ": "
                  << check.reason << '\n';
        return static_cast<int>(exit_failure);
    });
}

int run_audit_show(const std::optional<std::string>& config_file, const std::string& request_id) {
    return with_database(config_file, [&](pqxx::connection_base& cx) {
        const auto trail = adapters::postgres::audit_trail(cx, request_id);
        if (trail.empty()) {
            std::cout << "no audit events for request " << request_id << '\n';
            return static_cast<int>(exit_failure);
        }
        for (const auto& r : trail) {
            std::cout << pipeline::core::format_rfc3339(r.occurred_at) << "  " << r.event << "  "
                      << r.actor;
            if (r.amount_requested && r.currency) {
                std::cout << "  amount "
                          << pipeline::core::format_money({*r.amount_requested, *r.currency});
            }
            if (r.policy_version) {
                std::cout << "  policy " << *r.policy_version;
            }
            if (r.ai_decision) {
                std::cout << "  ai " << *r.ai_decision;
            }
            if (r.refund_id) {
                std::cout << "  refund " << *r.refund_id;
            }
            std::cout << "  (" << r.audit_id << ")\n";
        }
        return static_cast<int>(exit_ok);
    });
}

int run_redact(const std::optional<std::string>& config_file, const std::string& customer_id) {
    return with_database(config_file, [&](pqxx::connection_base& cx) {
        const auto n = adapters::postgres::erase_customer_pii(cx, customer_id);
        std::cout << "erased email and free text of customer " << customer_id << " from " << n
                  << " request(s)\n";
        return static_cast<int>(exit_ok);
    });
}

}  // namespace refundbot::bot::app
