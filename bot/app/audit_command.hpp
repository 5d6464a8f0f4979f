#pragma once

#include <optional>
#include <string>

namespace refundbot::bot::app {

/// `refundbot audit verify`: walks the hash chain; exit 0 when intact, 1 naming the first
/// broken row otherwise.
int run_audit_verify(const std::optional<std::string>& config_file);

/// `refundbot audit show <request_id>`: prints the request's audit trail.
int run_audit_show(const std::optional<std::string>& config_file, const std::string& request_id);

/// `refundbot redact --customer <id>`: erases the customer's email and free text from stored
/// requests; the audit chain stays valid.
int run_redact(const std::optional<std::string>& config_file, const std::string& customer_id);

}  // namespace refundbot::bot::app
