// Every key lives in one table (`keys()`): the file reader, the environment overrides and the
// unknown-key check all walk it, so a key added there is documented by the error messages at
// once. deploy/config.example.toml lists the same keys; a test keeps the two in step.
#include "bot/app/config.hpp"

#include "adapters/http/url.hpp"
#include "pipeline/core/money.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <variant>

namespace refundbot::bot::app {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// A value as found: typed from TOML, or a string from the environment.
struct found_value {
    std::variant<std::int64_t, double, bool, std::string, std::monostate> value;
    std::string shown;  ///< how the value reads in an error message
    bool from_env = false;
};

/// `structured`: a TOML array or table (approver lists, amounts per currency); file only.
enum class kind { integer, string, boolean, secret, structured };

struct key_spec {
    std::string_view section;
    std::string_view key;
    kind type;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::vector<std::string_view> choices;
    // Applies a value already checked against type, range and choices.
    std::function<std::string(config&, const found_value&)> apply;
    // For `structured` keys: checks and applies the TOML node; returns the error or "".
    std::function<std::string(config&, const toml::node&)> apply_node = {};
};

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    return out;
}

std::string env_name(std::string_view section, std::string_view key) {
    return "REFUNDBOT_" + upper(section) + "_" + upper(key);
}

std::optional<std::int64_t> as_integer(const found_value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v.value)) {
        return *i;
    }
    if (const auto* s = std::get_if<std::string>(&v.value); s && v.from_env) {
        std::int64_t out = 0;
        const auto* end = s->data() + s->size();
        auto [ptr, ec] = std::from_chars(s->data(), end, out);
        if (ec == std::errc() && ptr == end && !s->empty()) {
            return out;
        }
    }
    return std::nullopt;
}

std::optional<bool> as_boolean(const found_value& v) {
    if (const auto* b = std::get_if<bool>(&v.value)) {
        return *b;
    }
    if (const auto* s = std::get_if<std::string>(&v.value); s && v.from_env) {
        if (*s == "true" || *s == "1") {
            return true;
        }
        if (*s == "false" || *s == "0") {
            return false;
        }
    }
    return std::nullopt;
}

const std::string* as_string(const found_value& v) {
    return std::get_if<std::string>(&v.value);
}

// Checks a value against its spec; returns the error text, or "" after applying it.
std::string check_and_apply(const key_spec& spec, config& cfg, const found_value& v) {
    switch (spec.type) {
        case kind::integer: {
            const auto i = as_integer(v);
            if (!i || *i < spec.min || *i > spec.max) {
                return "expected integer " + std::to_string(spec.min) + "-" +
                       std::to_string(spec.max) + ", got " + v.shown;
            }
            break;
        }
        case kind::boolean:
            if (!as_boolean(v)) {
                return "expected true or false, got " + v.shown;
            }
            break;
        case kind::structured:
            return "set it in the config file (a TOML array or table)";
        case kind::string:
        case kind::secret: {
            const auto* s = as_string(v);
            if (!s) {
                return "expected a string, got " + v.shown;
            }
            if (!spec.choices.empty() &&
                std::find(spec.choices.begin(), spec.choices.end(), *s) == spec.choices.end()) {
                std::string list;
                for (auto c : spec.choices) {
                    list += (list.empty() ? "" : ", ") + quoted(c);
                }
                return "expected one of " + list + ", got " + v.shown;
            }
            break;
        }
    }
    return spec.apply(cfg, v);
}

key_spec integer_key(
    std::string_view section,
    std::string_view key,
    std::int64_t min,
    std::int64_t max,
    std::function<void(config&, std::int64_t)> set
) {
    return {section, key, kind::integer, min, max, {}, [set](config& c, const found_value& v) {
                set(c, *as_integer(v));
                return std::string();
            }};
}

key_spec string_key(
    std::string_view section,
    std::string_view key,
    std::vector<std::string_view> choices,
    std::function<std::string(config&, const std::string&)> set
) {
    return {
        section,
        key,
        kind::string,
        0,
        0,
        std::move(choices),
        [set](config& c, const found_value& v) { return set(c, *as_string(v)); }};
}

key_spec boolean_key(
    std::string_view section, std::string_view key, std::function<void(config&, bool)> set
) {
    return {section, key, kind::boolean, 0, 0, {}, [set](config& c, const found_value& v) {
                set(c, *as_boolean(v));
                return std::string();
            }};
}

key_spec secret_key(
    std::string_view section, std::string_view key, std::function<void(config&, std::string)> set
) {
    // An empty value means "not set" (an empty key in a k8s Secret or env file): an empty
    // HMAC key would accept signatures anyone can make.
    return {section, key, kind::secret, 0, 0, {}, [set](config& c, const found_value& v) {
                if (!as_string(v)->empty()) {
                    set(c, *as_string(v));
                }
                return std::string();
            }};
}

found_value from_toml(const toml::node& node);

key_spec structured_key(
    std::string_view section,
    std::string_view key,
    std::function<std::string(config&, const toml::node&)> apply
) {
    return {section, key, kind::structured, 0, 0, {}, {}, std::move(apply)};
}

// `{ USD = "500.00", JPY = "50000" }` as minor units per currency.
std::string read_amounts(const toml::node& node, std::map<std::string, std::int64_t>& out) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        return "expected a table of amounts per currency, like { USD = \"500.00\" }";
    }
    for (const auto& [code, value] : *table) {
        const std::string currency(code.str());
        const auto exponent = pipeline::core::currency_exponent(currency);
        if (!exponent) {
            return quoted(currency) + " is not an ISO 4217 currency code";
        }
        const auto text = value.value_exact<std::string>();
        if (!text) {
            return currency + ": expected the amount as a decimal string, like \"500.00\"";
        }
        std::string error;
        const auto minor = pipeline::core::parse_minor_units(*text, *exponent, error);
        if (!minor || *minor < 0) {
            return currency + ": " + (error.empty() ? "must not be negative" : error);
        }
        out[currency] = *minor;
    }
    return {};
}

bool slack_id(std::string_view id) {
    if (id.size() < 3 || (id[0] != 'U' && id[0] != 'W' && id[0] != 'S')) {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

std::string read_ids(const toml::node& node, std::vector<std::string>& out) {
    const auto* array = node.as_array();
    if (array == nullptr) {
        return "expected an array of Slack user (U...) or user group (S...) ids";
    }
    for (const auto& item : *array) {
        const auto id = item.value_exact<std::string>();
        if (!id || !slack_id(*id)) {
            return "expected Slack user (U...) or user group (S...) ids, got " +
                   from_toml(item).shown;
        }
        out.push_back(*id);
    }
    return {};
}

std::string lower_case(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return s;
}

// `{ "Gift Cards" = "gift_card" }`: Shopify names to policy categories, keys in lower case.
std::string read_categories(const toml::node& node, std::map<std::string, std::string>& out) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        return "expected a table of policy categories, like { \"E-books\" = \"digital\" }";
    }
    for (const auto& [name, value] : *table) {
        const auto category = value.value_exact<std::string>();
        if (!category || category->empty()) {
            return quoted(name.str()) + ": expected a policy category name, got " +
                   from_toml(value).shown;
        }
        out[lower_case(std::string(name.str()))] = *category;
    }
    return {};
}

std::string trim_trailing_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

// Reads a secret from a `<key>_file`; "" or an error message through `error`.
std::string read_secret_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + quoted(path) + ": " + std::strerror(errno);
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto value = trim_trailing_newlines(ss.str());
    if (value.empty()) {
        error = quoted(path) + " is empty";
    }
    return value;
}

const std::vector<key_spec>& keys() {
    static const std::vector<key_spec> table = [] {
        std::vector<key_spec> k;
        k.push_back(string_key(
            "service",
            "mode",
            {"production", "sandbox"},
            [](config& c, const std::string& v) {
                c.mode = v == "sandbox" ? run_mode::sandbox : run_mode::production;
                return std::string();
            }
        ));

        k.push_back(string_key("http", "host", {}, [](config& c, const std::string& v) {
            unsigned char buf[16];
            if (inet_pton(AF_INET, v.c_str(), buf) != 1 &&
                inet_pton(AF_INET6, v.c_str(), buf) != 1) {
                return "expected a numeric IPv4 or IPv6 address, got " + quoted(v);
            }
            c.http.host = v;
            return std::string();
        }));
        k.push_back(integer_key("http", "port", 1, 65535, [](config& c, std::int64_t v) {
            c.http.port = static_cast<std::uint16_t>(v);
        }));
        k.push_back(integer_key("http", "threads", 1, 256, [](config& c, std::int64_t v) {
            c.io_threads = static_cast<std::size_t>(v);
        }));
        k.push_back(integer_key(
            "http",
            "max_body_bytes",
            1024,
            64LL << 20,
            [](config& c, std::int64_t v) { c.http.max_body_bytes = static_cast<std::size_t>(v); }
        ));
        k.push_back(integer_key(
            "http",
            "max_header_bytes",
            1024,
            1LL << 20,
            [](config& c, std::int64_t v) { c.http.max_header_bytes = static_cast<std::size_t>(v); }
        ));
        k.push_back(integer_key("http", "read_timeout_s", 1, 3600, [](config& c, std::int64_t v) {
            c.http.read_timeout = seconds(v);
        }));
        k.push_back(integer_key("http", "idle_timeout_s", 1, 3600, [](config& c, std::int64_t v) {
            c.http.idle_timeout = seconds(v);
        }));
        k.push_back(integer_key("http", "write_timeout_s", 1, 3600, [](config& c, std::int64_t v) {
            c.http.write_timeout = seconds(v);
        }));
        k.push_back(integer_key("http", "shutdown_grace_s", 0, 3600, [](config& c, std::int64_t v) {
            c.shutdown_grace = seconds(v);
        }));

        k.push_back(string_key("db", "url", {}, [](config& c, const std::string& v) {
            if (v.empty()) {
                return std::string("must not be empty");
            }
            c.db.url = v;
            return std::string();
        }));
        k.push_back(secret_key("db", "password", [](config& c, std::string v) {
            c.db.password = pipeline::core::secret(std::move(v));
        }));
        k.push_back(integer_key("db", "pool_size", 1, 512, [](config& c, std::int64_t v) {
            c.db.pool_size = static_cast<std::size_t>(v);
        }));
        k.push_back(integer_key(
            "db",
            "acquire_timeout_ms",
            1,
            600'000,
            [](config& c, std::int64_t v) { c.db.acquire_timeout = milliseconds(v); }
        ));
        k.push_back(integer_key("db", "connect_timeout_s", 1, 600, [](config& c, std::int64_t v) {
            c.db.connect_timeout = seconds(v);
        }));
        k.push_back(integer_key(
            "db",
            "statement_timeout_ms",
            0,
            3'600'000,
            [](config& c, std::int64_t v) { c.db.statement_timeout = milliseconds(v); }
        ));
        k.push_back(boolean_key("db", "auto_migrate", [](config& c, bool v) { c.auto_migrate = v; })
        );

        k.push_back(secret_key("intake", "signing_secret", [](config& c, std::string v) {
            c.intake.secrets.insert(c.intake.secrets.begin(), pipeline::core::secret(std::move(v)));
        }));
        k.push_back(secret_key("intake", "previous_signing_secret", [](config& c, std::string v) {
            c.intake.secrets.push_back(pipeline::core::secret(std::move(v)));
        }));
        k.push_back(integer_key(
            "intake",
            "signature_tolerance_s",
            1,
            3600,
            [](config& c, std::int64_t v) { c.intake.tolerance = seconds(v); }
        ));

        k.push_back(integer_key("jobs", "workers", 0, 64, [](config& c, std::int64_t v) {
            c.jobs.workers = static_cast<std::size_t>(v);
        }));
        k.push_back(integer_key("jobs", "lease_s", 1, 3600, [](config& c, std::int64_t v) {
            c.jobs.lease = seconds(v);
        }));
        k.push_back(integer_key("jobs", "poll_ms", 10, 60'000, [](config& c, std::int64_t v) {
            c.jobs.poll = milliseconds(v);
        }));
        k.push_back(integer_key("jobs", "max_attempts", 1, 100, [](config& c, std::int64_t v) {
            c.jobs.max_attempts = static_cast<int>(v);
        }));
        k.push_back(integer_key(
            "jobs",
            "evidence_ttl_h",
            1,
            24 * 365,
            [](config& c, std::int64_t v) { c.jobs.evidence_ttl = std::chrono::hours(v); }
        ));
        k.push_back(integer_key("jobs", "sweep_interval_s", 1, 3600, [](config& c, std::int64_t v) {
            c.jobs.sweep_interval = seconds(v);
        }));
        k.push_back(string_key("policy", "file", {}, [](config& c, const std::string& v) {
            if (v.empty()) {
                return std::string("must not be empty");
            }
            c.policy_file = v;
            return std::string();
        }));

        k.push_back(string_key("slack", "api_base_url", {}, [](config& c, const std::string& v) {
            if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                return parsed.error;
            }
            c.slack.api.api_base_url = v;
            return std::string();
        }));
        k.push_back(secret_key("slack", "bot_token", [](config& c, std::string v) {
            c.slack.api.bot_token = pipeline::core::secret(std::move(v));
        }));
        k.push_back(secret_key("slack", "signing_secret", [](config& c, std::string v) {
            c.slack.signing_secret = pipeline::core::secret(std::move(v));
        }));
        for (const auto* channel : {"review_channel", "summary_channel", "alerts_channel"}) {
            k.push_back(string_key(
                "slack",
                channel,
                {},
                [channel](config& c, const std::string& v) {
                    if (v.empty() || v.find_first_of(" #") != std::string::npos) {
                        return "expected a channel id (C0123ABCD), got " + quoted(v);
                    }
                    const std::string_view name(channel);
                    (name == "review_channel"    ? c.slack.review_channel
                     : name == "summary_channel" ? c.slack.summary_channel
                                                 : c.slack.alerts_channel) = v;
                    return std::string();
                }
            ));
        }
        k.push_back(integer_key(
            "slack",
            "signature_tolerance_s",
            1,
            3600,
            [](config& c, std::int64_t v) { c.slack.signature_tolerance = seconds(v); }
        ));
        k.push_back(integer_key(
            "slack",
            "post_interval_ms",
            0,
            60'000,
            [](config& c, std::int64_t v) { c.slack.api.post_interval = milliseconds(v); }
        ));

        k.push_back(string_key("stripe", "api_base_url", {}, [](config& c, const std::string& v) {
            if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                return parsed.error;
            }
            c.stripe.api.api_base_url = v;
            return std::string();
        }));
        k.push_back(secret_key("stripe", "secret_key", [](config& c, std::string v) {
            c.stripe.api.secret_key = pipeline::core::secret(std::move(v));
        }));
        k.push_back(secret_key("stripe", "webhook_secret", [](config& c, std::string v) {
            c.stripe.webhook_secret = pipeline::core::secret(std::move(v));
        }));
        k.push_back(string_key("stripe", "api_version", {}, [](config& c, const std::string& v) {
            if (v.size() < 10 || v[4] != '-' || v[7] != '-') {
                return "expected a Stripe API version such as \"2026-07-29.dahlia\", got " +
                       quoted(v);
            }
            c.stripe.api.api_version = v;
            return std::string();
        }));
        k.push_back(boolean_key("stripe", "verify_refundable", [](config& c, bool v) {
            c.stripe.verify_refundable = v;
        }));
        k.push_back(integer_key(
            "stripe",
            "max_network_retries",
            0,
            10,
            [](config& c, std::int64_t v) {
                c.stripe.api.max_network_retries = static_cast<int>(v);
            }
        ));
        k.push_back(integer_key(
            "stripe",
            "retry_backoff_ms",
            1,
            60'000,
            [](config& c, std::int64_t v) { c.stripe.api.retry_backoff = milliseconds(v); }
        ));
        k.push_back(integer_key(
            "stripe",
            "request_timeout_s",
            1,
            300,
            [](config& c, std::int64_t v) { c.stripe.api.request_timeout = seconds(v); }
        ));
        k.push_back(integer_key(
            "stripe",
            "signature_tolerance_s",
            1,
            3600,
            [](config& c, std::int64_t v) { c.stripe.signature_tolerance = seconds(v); }
        ));
        k.push_back(integer_key(
            "stripe",
            "reconcile_after_s",
            1,
            7 * 24 * 3600,
            [](config& c, std::int64_t v) { c.stripe.reconcile_after = seconds(v); }
        ));

        k.push_back(string_key("zendesk", "base_url", {}, [](config& c, const std::string& v) {
            if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                return parsed.error;
            }
            c.zendesk.base_url = v;
            return std::string();
        }));
        k.push_back(string_key("zendesk", "email", {}, [](config& c, const std::string& v) {
            if (v.find('@') == std::string::npos) {
                return "expected the API token's agent e-mail address, got " + quoted(v);
            }
            c.zendesk.email = v;
            return std::string();
        }));
        k.push_back(secret_key("zendesk", "api_token", [](config& c, std::string v) {
            c.zendesk.api_token = pipeline::core::secret(std::move(v));
        }));
        k.push_back(secret_key("zendesk", "oauth_token", [](config& c, std::string v) {
            c.zendesk.oauth_token = pipeline::core::secret(std::move(v));
        }));

        k.push_back(secret_key("zendesk", "webhook_secret", [](config& c, std::string v) {
            c.zendesk_webhook.secret = pipeline::core::secret(std::move(v));
        }));
        k.push_back(integer_key(
            "zendesk",
            "signature_tolerance_s",
            1,
            3600,
            [](config& c, std::int64_t v) { c.zendesk_webhook.tolerance = seconds(v); }
        ));
        k.push_back(string_key(
            "zendesk",
            "default_currency",
            {},
            [](config& c, const std::string& v) {
                if (!pipeline::core::currency_exponent(v)) {
                    return "expected an ISO 4217 currency code, got " + quoted(v);
                }
                c.zendesk_webhook.default_currency = v;
                return std::string();
            }
        ));

        k.push_back(secret_key("shopify", "webhook_secret", [](config& c, std::string v) {
            c.shopify.webhook_secret = pipeline::core::secret(std::move(v));
        }));
        k.push_back(string_key("shopify", "shop_currency", {}, [](config& c, const std::string& v) {
            if (!pipeline::core::currency_exponent(v)) {
                return "expected an ISO 4217 currency code, got " + quoted(v);
            }
            c.shopify.shop_currency = v;
            return std::string();
        }));

        k.push_back(string_key("shopify", "admin_url", {}, [](config& c, const std::string& v) {
            if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                return parsed.error;
            }
            c.shopify.admin.shop_url = v;
            while (c.shopify.admin.shop_url.ends_with('/')) {
                c.shopify.admin.shop_url.pop_back();
            }
            return std::string();
        }));
        k.push_back(string_key("shopify", "api_version", {}, [](config& c, const std::string& v) {
            const auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
            const bool dated = v.size() == 7 && v[4] == '-' &&
                               std::all_of(v.begin(), v.begin() + 4, digit) &&
                               std::all_of(v.begin() + 5, v.end(), digit);
            if (!dated && v != "unstable") {
                return "expected a Shopify API version like \"2026-10\", got " + quoted(v);
            }
            c.shopify.admin.api_version = v;
            return std::string();
        }));
        k.push_back(secret_key("shopify", "access_token", [](config& c, std::string v) {
            c.shopify.admin.access_token = pipeline::core::secret(std::move(v));
        }));
        k.push_back(structured_key(
            "shopify",
            "product_type_categories",
            [](config& c, const toml::node& n) {
                return read_categories(n, c.shopify.admin.categories.product_types);
            }
        ));
        k.push_back(structured_key("shopify", "tag_categories", [](config& c, const toml::node& n) {
            return read_categories(n, c.shopify.admin.categories.tags);
        }));
        k.push_back(structured_key(
            "shopify",
            "final_sale_tags",
            [](config& c, const toml::node& n) {
                const auto* array = n.as_array();
                if (array == nullptr) {
                    return std::string("expected an array of product tags, like [\"final-sale\"]");
                }
                for (const auto& item : *array) {
                    const auto tag = item.value_exact<std::string>();
                    if (!tag || tag->empty()) {
                        return "expected product tags (strings), got " + from_toml(item).shown;
                    }
                    c.shopify.admin.categories.final_sale_tags.push_back(lower_case(*tag));
                }
                return std::string();
            }
        ));

        k.push_back(string_key("llm", "provider", {}, [](config& c, const std::string& v) {
            if (v != "rules" && v != "openai" && v != "anthropic") {
                return "expected \"rules\", \"openai\" or \"anthropic\", got " + quoted(v);
            }
            c.llm.provider = v;
            return std::string();
        }));
        k.push_back(string_key("llm", "base_url", {}, [](config& c, const std::string& v) {
            if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                return parsed.error;
            }
            c.llm.model.base_url = v;
            while (c.llm.model.base_url.ends_with('/')) {
                c.llm.model.base_url.pop_back();
            }
            return std::string();
        }));
        k.push_back(string_key("llm", "model", {}, [](config& c, const std::string& v) {
            c.llm.model.model = v;
            return std::string();
        }));
        k.push_back(secret_key("llm", "api_key", [](config& c, std::string v) {
            c.llm.model.api_key = pipeline::core::secret(std::move(v));
        }));
        k.push_back(string_key("llm", "auth", {}, [](config& c, const std::string& v) {
            if (v != "bearer" && v != "api-key") {
                return "expected \"bearer\" or \"api-key\" (Azure OpenAI), got " + quoted(v);
            }
            c.llm.model.auth = v;
            return std::string();
        }));
        k.push_back(string_key("llm", "api_version", {}, [](config& c, const std::string& v) {
            c.llm.model.api_version = v;
            return std::string();
        }));
        k.push_back(string_key("llm", "token_limit_field", {}, [](config& c, const std::string& v) {
            if (v != "max_completion_tokens" && v != "max_tokens") {
                return "expected \"max_completion_tokens\" or \"max_tokens\", got " + quoted(v);
            }
            c.llm.model.token_limit_field = v;
            return std::string();
        }));
        k.push_back(string_key("llm", "anthropic_version", {}, [](config& c, const std::string& v) {
            c.llm.model.anthropic_version = v;
            return std::string();
        }));
        k.push_back(structured_key("llm", "temperature", [](config& c, const toml::node& n) {
            const auto v = n.value<double>();
            if (!v || *v < 0 || *v > 2) {
                return "expected a number from 0 to 2, got " + from_toml(n).shown;
            }
            c.llm.model.temperature = *v;
            return std::string();
        }));
        k.push_back(integer_key(
            "llm",
            "max_output_tokens",
            64,
            32'768,
            [](config& c, std::int64_t v) { c.llm.model.max_output_tokens = v; }
        ));
        k.push_back(integer_key("llm", "timeout_ms", 100, 120'000, [](config& c, std::int64_t v) {
            c.llm.timeout = milliseconds(v);
        }));
        k.push_back(integer_key("llm", "max_attempts", 1, 5, [](config& c, std::int64_t v) {
            c.llm.max_attempts = static_cast<int>(v);
        }));
        k.push_back(boolean_key("llm", "redact_pii", [](config& c, bool v) {
            c.llm.guardrails.mask_pii = v;
        }));
        for (const char* side : {"input", "output"}) {
            k.push_back(string_key(
                "llm",
                std::string(side) == "input" ? "input_price_per_mtok" : "output_price_per_mtok",
                {},
                [input = std::string(side) == "input"](config& c, const std::string& v) {
                    std::string error;
                    // USD per million tokens, kept as micro-USD: never floating point.
                    const auto micro = pipeline::core::parse_minor_units(v, 6, error);
                    if (!micro || *micro < 0) {
                        return "expected USD per million tokens as a decimal string, like "
                               "\"0.15\"" +
                               (error.empty() ? std::string() : ": " + error);
                    }
                    (input ? c.llm.guardrails.input_price : c.llm.guardrails.output_price) = *micro;
                    return std::string();
                }
            ));
        }
        k.push_back(integer_key("llm", "breaker_failures", 1, 1000, [](config& c, std::int64_t v) {
            c.llm.guardrails.breaker_failures = static_cast<int>(v);
        }));
        k.push_back(integer_key(
            "llm",
            "breaker_cool_down_s",
            1,
            86'400,
            [](config& c, std::int64_t v) {
                c.llm.guardrails.breaker_cool_down = std::chrono::seconds(v);
            }
        ));

        k.push_back(string_key(
            "enrich",
            "order_lookup_url",
            {},
            [](config& c, const std::string& v) {
                if (auto parsed = adapters::http::parse_url(v); !parsed.value) {
                    return parsed.error;
                }
                c.enrich.order_lookup_url = v;
                return std::string();
            }
        ));
        k.push_back(secret_key("enrich", "order_lookup_token", [](config& c, std::string v) {
            c.enrich.order_lookup_token = pipeline::core::secret(std::move(v));
        }));
        k.push_back(integer_key(
            "enrich",
            "order_lookup_timeout_ms",
            50,
            30'000,
            [](config& c, std::int64_t v) { c.enrich.order_lookup_timeout = milliseconds(v); }
        ));

        k.push_back(structured_key("review", "approvers", [](config& c, const toml::node& n) {
            const auto* array = n.as_array();
            if (array == nullptr) {
                return std::string("expected [[review.approvers]] tables with id and max");
            }
            for (const auto& item : *array) {
                const auto* t = item.as_table();
                const auto id = t != nullptr ? (*t)["id"].value_exact<std::string>() : std::nullopt;
                if (!id || !slack_id(*id)) {
                    return "each approver needs id = a Slack user (U...) or group (S...) id, at "
                           "line " +
                           std::to_string(item.source().begin.line);
                }
                pipeline::approval::approver a{*id, {}};
                const auto* max = t->get("max");
                if (max == nullptr) {
                    return "approver " + *id + " needs max = { CUR = \"amount\" }";
                }
                if (auto e = read_amounts(*max, a.max); !e.empty()) {
                    return "approver " + *id + " max: " + e;
                }
                c.review.authority.approvers.push_back(std::move(a));
            }
            return std::string();
        }));
        k.push_back(structured_key("review", "viewers", [](config& c, const toml::node& n) {
            return read_ids(n, c.review.authority.viewers);
        }));
        k.push_back(structured_key(
            "review",
            "backup_approvers",
            [](config& c, const toml::node& n) {
                return read_ids(n, c.review.authority.backup_approvers);
            }
        ));
        k.push_back(structured_key("review", "four_eyes_over", [](config& c, const toml::node& n) {
            return read_amounts(n, c.review.authority.four_eyes_over);
        }));
        k.push_back(structured_key("review", "confirm_over", [](config& c, const toml::node& n) {
            return read_amounts(n, c.review.authority.confirm_over);
        }));
        k.push_back(integer_key(
            "review",
            "remind_after_s",
            1,
            3600 * 24 * 30,
            [](config& c, std::int64_t v) { c.review.remind_after = seconds(v); }
        ));
        k.push_back(integer_key(
            "review",
            "escalate_after_s",
            1,
            3600 * 24 * 30,
            [](config& c, std::int64_t v) { c.review.escalate_after = seconds(v); }
        ));

        k.push_back(string_key("summary", "time", {}, [](config& c, const std::string& v) {
            const bool shape = v.size() == 5 && v[2] == ':' &&
                               std::isdigit(static_cast<unsigned char>(v[0])) &&
                               std::isdigit(static_cast<unsigned char>(v[1])) &&
                               std::isdigit(static_cast<unsigned char>(v[3])) &&
                               std::isdigit(static_cast<unsigned char>(v[4]));
            if (!shape || std::stoi(v.substr(0, 2)) > 23 || std::stoi(v.substr(3)) > 59) {
                return "expected HH:MM (24-hour), got " + quoted(v);
            }
            c.summary.time = v;
            return std::string();
        }));
        k.push_back(string_key("summary", "timezone", {}, [](config& c, const std::string& v) {
            // The zone database PostgreSQL uses too (Debian builds it with the system tzdata).
            if (v.empty() || v.find("..") != std::string::npos || v.front() == '/' ||
                !std::ifstream("/usr/share/zoneinfo/" + v)) {
                return "expected an IANA time zone name such as \"Europe/Berlin\", got " +
                       quoted(v);
            }
            c.summary.timezone = v;
            return std::string();
        }));

        k.push_back(string_key(
            "log",
            "level",
            {"trace", "debug", "info", "warn", "error", "critical", "off"},
            [](config& c, const std::string& v) {
                adapters::telemetry::parse_log_level(v, c.log_level);
                return std::string();
            }
        ));
        k.push_back(string_key(
            "log",
            "format",
            {"auto", "json", "text"},
            [](config& c, const std::string& v) {
                using adapters::telemetry::log_format;
                c.log_format = v == "json"   ? log_format::json
                               : v == "text" ? log_format::text
                                             : log_format::automatic;
                return std::string();
            }
        ));
        return k;
    }();
    return table;
}

const key_spec* find_key(std::string_view section, std::string_view key) {
    for (const auto& spec : keys()) {
        if (spec.section == section && spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

bool known_section(std::string_view section) {
    return std::any_of(keys().begin(), keys().end(), [&](const key_spec& s) {
        return s.section == section;
    });
}

found_value from_toml(const toml::node& node) {
    found_value v;
    if (auto i = node.value_exact<std::int64_t>()) {
        v.value = *i;
        v.shown = std::to_string(*i);
    } else if (auto s = node.value_exact<std::string>()) {
        v.value = *s;
        v.shown = quoted(*s);
    } else if (auto b = node.value_exact<bool>()) {
        v.value = *b;
        v.shown = *b ? "true" : "false";
    } else if (auto d = node.value_exact<double>()) {
        v.value = *d;
        std::ostringstream ss;
        ss << *d;
        v.shown = ss.str();
    } else {
        v.value = std::monostate{};
        v.shown = node.is_table() ? "a table" : node.is_array() ? "an array" : "a date or time";
    }
    return v;
}

std::string location(const std::string& file, const toml::node& node) {
    return file + ":" + std::to_string(node.source().begin.line);
}

}  // namespace

env_lookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        if (const char* v = std::getenv(std::string(name).c_str())) {
            return std::string(v);
        }
        return std::nullopt;
    };
}

std::optional<std::string> config_path(
    const std::optional<std::string>& explicit_path, const env_lookup& env
) {
    if (explicit_path && !explicit_path->empty()) {
        return explicit_path;
    }
    if (auto p = env("REFUNDBOT_CONFIG"); p && !p->empty()) {
        return p;
    }
    return std::nullopt;
}

config_result load_config(const std::optional<std::string>& path, const env_lookup& env) {
    config cfg;
    std::vector<std::string> errors;

    if (path) {
        cfg.source = *path;
        toml::table root;
        try {
            root = toml::parse_file(*path);
        } catch (const toml::parse_error& e) {
            const auto& where = e.source();
            std::string message(e.description());
            if (where.begin.line == 0) {
                // No position: the file could not be opened at all.
                errors.push_back(*path + ": " + message);
            } else {
                errors.push_back(
                    *path + ":" + std::to_string(where.begin.line) + ":" +
                    std::to_string(where.begin.column) + " " + message
                );
            }
            return {std::nullopt, std::move(errors)};
        }
        for (const auto& [section_name, section_node] : root) {
            const std::string section(section_name.str());
            if (!section_node.is_table()) {
                errors.push_back(
                    location(*path, section_node) + " " + section +
                    ": expected a [section] table, got " + from_toml(section_node).shown
                );
                continue;
            }
            if (!known_section(section)) {
                errors.push_back(
                    location(*path, section_node) + " " + section + ": unknown section"
                );
                continue;
            }
            for (const auto& [key_name, node] : *section_node.as_table()) {
                const std::string key(key_name.str());
                const std::string dotted = section + "." + key;
                const std::string where = location(*path, node) + " " + dotted + ": ";
                if (key.ends_with("_file")) {
                    const auto* spec = find_key(section, key.substr(0, key.size() - 5));
                    if (spec && spec->type == kind::secret) {
                        const auto file = node.value_exact<std::string>();
                        if (!file) {
                            errors.push_back(
                                where + "expected a file path, got " + from_toml(node).shown
                            );
                            continue;
                        }
                        std::string error;
                        auto value = read_secret_file(*file, error);
                        if (!error.empty()) {
                            errors.push_back(where + error);
                            continue;
                        }
                        spec->apply(
                            cfg, found_value{.value = std::move(value), .shown = "(secret)"}
                        );
                        continue;
                    }
                }
                const auto* spec = find_key(section, key);
                if (!spec) {
                    errors.push_back(where + "unknown key");
                    continue;
                }
                if (spec->type == kind::secret) {
                    errors.push_back(
                        where + "secrets are not read from the config file; set " +
                        env_name(section, key) + " or " + dotted + "_file"
                    );
                    continue;
                }
                if (spec->type == kind::structured) {
                    if (auto error = spec->apply_node(cfg, node); !error.empty()) {
                        errors.push_back(where + error);
                    }
                    continue;
                }
                if (auto error = check_and_apply(*spec, cfg, from_toml(node)); !error.empty()) {
                    errors.push_back(where + error);
                }
            }
        }
    }

    for (const auto& spec : keys()) {
        const auto name = env_name(spec.section, spec.key);
        if (auto raw = env(name)) {
            const bool secret = spec.type == kind::secret;
            found_value v{
                .value = *raw, .shown = secret ? "(secret)" : quoted(*raw), .from_env = true};
            if (auto error = check_and_apply(spec, cfg, v); !error.empty()) {
                errors.push_back("env " + name + ": " + error);
            }
        }
        if (spec.type == kind::secret) {
            if (auto file = env(name + "_FILE")) {
                std::string error;
                auto value = read_secret_file(*file, error);
                if (!error.empty()) {
                    errors.push_back("env " + name + "_FILE: " + error);
                } else {
                    spec.apply(
                        cfg,
                        found_value{
                            .value = std::move(value), .shown = "(secret)", .from_env = true}
                    );
                }
            }
        }
    }

    // Sandbox mode plays Slack itself once it knows where cards go (deploy/sandbox.toml).
    cfg.slack.sandboxed =
        cfg.mode == run_mode::sandbox && !cfg.slack.enabled() && !cfg.slack.review_channel.empty();
    if (cfg.slack.sandboxed) {
        const auto& h = cfg.http.host;
        if (h != "127.0.0.1" && h != "::1") {
            errors.push_back(
                "http.host: sandbox mode without a Slack bot token serves the review console, "
                "which signs Slack requests for whoever reaches it; keep http.host on loopback "
                "(127.0.0.1) or set REFUNDBOT_SLACK_BOT_TOKEN"
            );
        }
        if (cfg.review.authority.empty()) {
            errors.push_back(
                "review.approvers: at least one [[review.approvers]] entry is required in "
                "sandbox mode, to act as in the review console"
            );
        }
    }
    if (cfg.slack.enabled()) {
        if (cfg.slack.signing_secret.empty()) {
            errors.push_back(
                "slack.signing_secret: required when slack.bot_token is set (set "
                "REFUNDBOT_SLACK_SIGNING_SECRET or slack.signing_secret_file)"
            );
        }
        if (cfg.slack.review_channel.empty()) {
            errors.push_back("slack.review_channel: required when slack.bot_token is set");
        }
        if (cfg.review.authority.empty()) {
            errors.push_back(
                "review.approvers: at least one [[review.approvers]] entry is required when "
                "slack.bot_token is set"
            );
        }
    }
    if (!cfg.zendesk.api_token.empty() && cfg.zendesk.oauth_token.empty() &&
        cfg.zendesk.email.empty()) {
        errors.push_back(
            "zendesk.email: required with REFUNDBOT_ZENDESK_API_TOKEN (Basic auth is email/token)"
        );
    }
    if ((!cfg.zendesk.api_token.empty() || !cfg.zendesk.oauth_token.empty()) &&
        cfg.zendesk.base_url.empty()) {
        errors.push_back(
            "zendesk.base_url: required when a Zendesk token is set "
            "(https://<subdomain>.zendesk.com)"
        );
    }
    if (cfg.llm.uses_model()) {
        auto& m = cfg.llm.model;
        if (m.base_url.empty()) {
            m.base_url = cfg.llm.provider == "anthropic" ? "https://api.anthropic.com"
                                                         : "https://api.openai.com/v1";
        }
        if (m.model.empty()) {
            errors.push_back("llm.model: required when llm.provider is " + cfg.llm.provider);
        }
        // A call and its repair must end inside the decide job's lease, or a second worker
        // takes the job while the first still waits for the model: the repair is only
        // started while there is time left for all its attempts.
        const auto one_call = std::chrono::duration_cast<std::chrono::milliseconds>(
            cfg.llm.timeout * cfg.llm.max_attempts
        );
        const auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.jobs.lease);
        if (2 * one_call > lease) {
            errors.push_back(
                "llm.timeout_ms: " + std::to_string(cfg.llm.timeout.count()) + " ms x " +
                std::to_string(cfg.llm.max_attempts) +
                " attempts must fit twice into jobs.lease_s (" +
                std::to_string(cfg.jobs.lease.count()) + " s), once for the repair"
            );
        }
        cfg.llm.guardrails.repair_budget = lease - one_call - std::chrono::seconds(5);
        if (cfg.llm.provider == "anthropic" && m.api_key.empty()) {
            errors.push_back(
                "llm.api_key: required for Anthropic (set REFUNDBOT_LLM_API_KEY or "
                "llm.api_key_file)"
            );
        }
    }
    if (!cfg.shopify.admin.shop_url.empty() && cfg.shopify.admin.access_token.empty()) {
        errors.push_back(
            "shopify.access_token: required when shopify.admin_url is set (set "
            "REFUNDBOT_SHOPIFY_ACCESS_TOKEN or shopify.access_token_file)"
        );
    }
    const auto key = cfg.stripe.api.secret_key.reveal();
    if (cfg.mode == run_mode::sandbox &&
        (key.starts_with("sk_live_") || key.starts_with("rk_live_"))) {
        errors.push_back(
            "stripe.secret_key: a live key is refused in sandbox mode (use sk_test_...)"
        );
    }
    if (!errors.empty()) {
        return {std::nullopt, std::move(errors)};
    }
    return {std::move(cfg), {}};
}

}  // namespace refundbot::bot::app
