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

/// redact() plus the contact and payment details customers type into free text, for what is
/// sent to a language model: phone numbers (9 to 15 digits, with `+`, spaces, dashes, dots or
/// parentheses) become `[phone]`, card-like numbers (13 to 19 digits) `[card]`. Dates, times,
/// amounts and ids glued to letters (`ord_55419`) are left alone.
[[nodiscard]] std::string mask_personal_data(std::string_view text);

}  // namespace refundbot::pipeline::core
