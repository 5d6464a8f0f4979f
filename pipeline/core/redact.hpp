#pragma once

#include <string>
#include <string_view>

namespace refundbot::pipeline::core {

/// Returns `text` with secrets and customer PII masked, for anything bound for a log line, an
/// error message or the audit log:
/// - e-mail addresses become `[email]`;
/// - the password in URI credentials (`postgresql://user:pw@host`) becomes `***`;
/// - values of `password=`, `token=`, `secret=`, `api_key=`, `apikey=` become `***`;
/// - `Bearer`/`Basic` credentials and well-known token shapes (Slack `xox?-`/`xapp-`, Stripe
///   `sk_`/`rk_`/`whsec_`, OpenAI/Anthropic `sk-`) keep their prefix and lose the rest;
/// - hex signatures after `v0=`/`v1=` become `***`.
/// Runs in one pass, linear in the input.
[[nodiscard]] std::string redact(std::string_view text);

}  // namespace refundbot::pipeline::core
