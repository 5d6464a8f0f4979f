#include "tests/support/fake_stripe.hpp"

#include "bot/handlers/slack_request.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <thread>

namespace refundbot::tests {

namespace json = boost::json;
using bot::server::http_request;
using bot::server::http_response;

namespace {

// POST /v1/refunds parameters in Stripe's API reference (../shared/reference/apis.md 1.2).
const std::set<std::string> refund_params = {
    "charge",
    "payment_intent",
    "amount",
    "reason",
    "currency",
    "customer",
    "instructions_email",
    "origin",
    "refund_application_fee",
    "reverse_transfer",
};

std::optional<std::int64_t> integer(const std::string& s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

std::string query_value(const http_request& req, std::string_view name) {
    const auto form = bot::handlers::parse_form(req.query).value_or(
        std::vector<std::pair<std::string, std::string>>{}
    );
    return bot::handlers::form_value(form, name).value_or("");
}

}  // namespace

fake_stripe::fake_stripe(std::string key, std::string version)
    : key_(std::move(key)),
      version_(std::move(version)),
      server_([this](const http_request& req) { return handle(req); }) {}

void fake_stripe::add_charge(
    const std::string& name, std::int64_t amount, const std::string& currency
) {
    std::lock_guard lock(mutex_);
    charges_["ch_" + name] = charge{"ch_" + name, "pi_" + name, amount, 0, currency, false};
}

void fake_stripe::set_disputed(const std::string& name) {
    std::lock_guard lock(mutex_);
    charges_.at("ch_" + name).disputed = true;
}

void fake_stripe::fail_next(int n, unsigned status, const std::string& should_retry) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < n; ++i) {
        injected_.push_back({status, should_retry, {}});
    }
}

void fake_stripe::lock_timeout_next(int n) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < n; ++i) {
        injected_.push_back({429, {}, "lock_timeout"});
    }
}

void fake_stripe::delay_next(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
}

void fake_stripe::pending_next(int n) {
    std::lock_guard lock(mutex_);
    pending_ = n;
}

json::object fake_stripe::settle(
    const std::string& refund_id, const std::string& status, const std::string& reason
) {
    std::lock_guard lock(mutex_);
    for (auto& r : refunds_) {
        if (r.id != refund_id) {
            continue;
        }
        const bool gives_back = (status == "failed" || status == "canceled") &&
                                r.status != "failed" && r.status != "canceled";
        r.status = status;
        if (gives_back) {
            charges_.at(r.charge).refunded -= r.amount;
        }
        auto out = to_json(r);
        if (!reason.empty()) {
            out["failure_reason"] = reason;
        }
        return out;
    }
    throw std::runtime_error("fake_stripe: no refund " + refund_id);
}

fake_stripe::refund fake_stripe::refund_in_dashboard(const std::string& name, std::int64_t amount) {
    std::lock_guard lock(mutex_);
    auto& c = charges_.at("ch_" + name);
    refund r;
    r.id = "re_dash" + std::to_string(refunds_.size() + 1);
    r.charge = c.id;
    r.payment_intent = c.payment_intent;
    r.amount = amount;
    r.currency = c.currency;
    r.status = "succeeded";
    c.refunded += amount;
    refunds_.push_back(r);
    return r;
}

std::vector<fake_stripe::refund> fake_stripe::refunds() const {
    std::lock_guard lock(mutex_);
    return refunds_;
}

std::int64_t fake_stripe::refunded(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return charges_.at("ch_" + name).refunded;
}

int fake_stripe::refund_posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
}

std::vector<std::string> fake_stripe::errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
}

json::object fake_stripe::to_json(const refund& r) {
    json::object metadata;
    for (const auto& [k, v] : r.metadata) {
        metadata[k] = v;
    }
    return {
        {"id", r.id},
        {"object", "refund"},
        {"amount", r.amount},
        {"balance_transaction", "txn_" + r.id.substr(3)},
        {"charge", r.charge},
        {"created", 1700000000},
        {"currency", r.currency},
        {"metadata", std::move(metadata)},
        {"payment_intent", r.payment_intent},
        {"reason", r.reason.empty() ? json::value(nullptr) : json::value(r.reason)},
        {"status", r.status},
        {"failure_reason", nullptr},
    };
}

json::object fake_stripe::charge_json(const charge& c) const {
    return {
        {"id", c.id},
        {"object", "charge"},
        {"amount", c.amount},
        {"amount_captured", c.amount},
        {"amount_refunded", c.refunded},
        {"currency", c.currency},
        {"disputed", c.disputed},
        {"payment_intent", c.payment_intent},
        {"refunded", c.refunded == c.amount},
    };
}

http_response fake_stripe::error(
    unsigned status,
    const std::string& type,
    const std::string& code,
    const std::string& message,
    const std::string& param
) {
    json::object e{{"type", type}, {"message", message}};
    if (!code.empty()) {
        e["code"] = code;
    }
    if (!param.empty()) {
        e["param"] = param;
    }
    errors_.push_back(std::to_string(status) + " " + type + " " + code);
    auto r = http_response::json(status, json::serialize(json::object{{"error", std::move(e)}}));
    r.headers.emplace_back("Request-Id", "req_fake");
    return r;
}

fake_stripe::charge* fake_stripe::find_charge(const std::string& id) {
    for (auto& [_, c] : charges_) {
        if (c.id == id || c.payment_intent == id) {
            return &c;
        }
    }
    return nullptr;
}

http_response fake_stripe::handle(const http_request& req) {
    std::unique_lock lock(mutex_);
    const auto auth = req.header("authorization");
    if (!auth || *auth != "Bearer " + key_) {
        return error(401, "invalid_request_error", {}, "Invalid API Key provided");
    }
    if (req.header("stripe-version") != std::optional<std::string_view>(version_)) {
        return error(400, "invalid_request_error", {}, "Stripe-Version must be " + version_);
    }
    if (req.method == "POST" && req.path == "/v1/refunds") {
        ++posts_;
        auto response = create_refund(req);
        const auto delay = std::exchange(delay_, std::chrono::milliseconds(0));
        if (delay.count() > 0 && response.status == 200) {
            lock.unlock();
            std::this_thread::sleep_for(delay);  // the caller times out; the refund exists
        }
        return response;
    }
    if (req.method != "GET") {
        return error(404, "invalid_request_error", "resource_missing", "Unrecognized request URL");
    }
    if (req.path == "/v1/refunds") {
        const auto by_charge = query_value(req, "charge");
        const auto intent = query_value(req, "payment_intent");
        json::array data;
        for (const auto& r : refunds_) {
            if ((!by_charge.empty() && r.charge == by_charge) ||
                (!intent.empty() && r.payment_intent == intent)) {
                data.push_back(to_json(r));
            }
        }
        return http_response::json(
            200,
            json::serialize(json::object{
                {"object", "list"},
                {"data", std::move(data)},
                {"has_more", false},
                {"url", "/v1/refunds"}})
        );
    }
    if (req.path.starts_with("/v1/refunds/")) {
        const auto id = req.path.substr(12);
        for (const auto& r : refunds_) {
            if (r.id == id) {
                return http_response::json(200, json::serialize(to_json(r)));
            }
        }
        return error(
            404, "invalid_request_error", "resource_missing", "No such refund: " + id, "id"
        );
    }
    if (req.path.starts_with("/v1/charges/")) {
        if (const auto* c = find_charge(req.path.substr(12));
            c != nullptr && c->id == req.path.substr(12)) {
            return http_response::json(200, json::serialize(charge_json(*c)));
        }
        return error(404, "invalid_request_error", "resource_missing", "No such charge", "id");
    }
    if (req.path.starts_with("/v1/payment_intents/")) {
        const auto id = req.path.substr(20);
        const auto* c = find_charge(id);
        if (c == nullptr || c->payment_intent != id) {
            return error(
                404, "invalid_request_error", "resource_missing", "No such payment_intent", "intent"
            );
        }
        json::object pi{
            {"id", id},
            {"object", "payment_intent"},
            {"amount", c->amount},
            {"amount_received", c->amount},
            {"currency", c->currency},
            {"status", "succeeded"}};
        if (query_value(req, "expand[0]") == "latest_charge") {
            pi["latest_charge"] = charge_json(*c);
        } else {
            pi["latest_charge"] = c->id;
        }
        return http_response::json(200, json::serialize(pi));
    }
    return error(404, "invalid_request_error", "resource_missing", "Unrecognized request URL");
}

http_response fake_stripe::create_refund(const http_request& req) {
    const auto type = req.header("content-type");
    if (!type || !type->starts_with("application/x-www-form-urlencoded")) {
        return error(
            400,
            "invalid_request_error",
            {},
            "Content-Type must be application/x-www-form-urlencoded"
        );
    }
    const auto form = bot::handlers::parse_form(req.body);
    if (!form) {
        return error(400, "invalid_request_error", {}, "Invalid form encoding");
    }
    std::map<std::string, std::string> params;
    std::map<std::string, std::string> metadata;
    for (const auto& [k, v] : *form) {
        if (k.starts_with("metadata[") && k.ends_with("]")) {
            const auto mk = k.substr(9, k.size() - 10);
            if (mk.empty() || mk.size() > 40 || mk.find_first_of("[]") != std::string::npos ||
                v.size() > 500) {
                return error(
                    400, "invalid_request_error", "parameter_invalid_string", "Invalid metadata", k
                );
            }
            metadata[mk] = v;
        } else if (!refund_params.contains(k) && !k.starts_with("expand[")) {
            return error(
                400,
                "invalid_request_error",
                "parameter_unknown",
                "Received unknown parameter: " + k,
                k
            );
        }
        if (!params.emplace(k, v).second) {
            return error(400, "invalid_request_error", {}, "Duplicate parameter " + k, k);
        }
    }
    if (metadata.size() > 50) {
        return error(400, "invalid_request_error", {}, "Too many metadata keys", "metadata");
    }
    if (!injected_.empty()) {
        const auto inj = injected_.front();
        injected_.pop_front();
        auto r = inj.code.empty()
                     ? error(inj.status, "api_error", {}, "An unknown error occurred")
                     : error(
                           inj.status,
                           "invalid_request_error",
                           inj.code,
                           "This object cannot be accessed right now because another API "
                           "request or Stripe process is currently accessing it."
                       );
        if (!inj.should_retry.empty()) {
            r.headers.emplace_back("Stripe-Should-Retry", inj.should_retry);
        }
        return r;
    }
    const auto key = req.header("idempotency-key");
    std::string fingerprint;
    for (const auto& [k, v] : params) {
        fingerprint += k + "=" + v + "&";
    }
    if (key) {
        if (key->size() > 255) {
            return error(400, "invalid_request_error", {}, "Idempotency-Key too long");
        }
        if (const auto it = idempotency_.find(std::string(*key)); it != idempotency_.end()) {
            if (it->second.fingerprint != fingerprint) {
                return error(
                    400,
                    "idempotency_error",
                    {},
                    "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with."
                );
            }
            auto replay = http_response::json(it->second.status, it->second.body);
            replay.headers.emplace_back("Idempotency-Key", std::string(*key));
            return replay;
        }
    }
    auto remember = [&](http_response r) {
        if (key) {
            idempotency_[std::string(*key)] = {fingerprint, r.status, r.body};
        }
        return r;
    };
    const auto charge_id = params.contains("charge") ? params["charge"] : std::string();
    const auto intent_id =
        params.contains("payment_intent") ? params["payment_intent"] : std::string();
    if (charge_id.empty() == intent_id.empty()) {
        return error(
            400,
            "invalid_request_error",
            "parameter_missing",
            "You must pass either a charge or a payment_intent",
            "charge"
        );
    }
    std::optional<std::int64_t> amount;
    if (params.contains("amount")) {
        amount = integer(params["amount"]);
        if (!amount) {
            return error(
                400,
                "invalid_request_error",
                "parameter_invalid_integer",
                "Invalid integer",
                "amount"
            );
        }
        if (*amount < 1) {
            return error(
                400,
                "invalid_request_error",
                "amount_too_small",
                "Amount must be positive",
                "amount"
            );
        }
    }
    if (params.contains("reason")) {
        const auto& reason = params["reason"];
        if (reason != "duplicate" && reason != "fraudulent" && reason != "requested_by_customer") {
            return error(
                400,
                "invalid_request_error",
                {},
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                "reason"
            );
        }
    }
    auto* c = find_charge(charge_id.empty() ? intent_id : charge_id);
    if (c == nullptr || (!charge_id.empty() && c->id != charge_id) ||
        (!intent_id.empty() && c->payment_intent != intent_id)) {
        return remember(error(
            400,
            "invalid_request_error",
            "resource_missing",
            "No such charge",
            charge_id.empty() ? "payment_intent" : "charge"
        ));
    }
    if (c->disputed) {
        return remember(error(
            400,
            "invalid_request_error",
            "charge_disputed",
            "Charge " + c->id + " has been charged back; cannot issue a refund."
        ));
    }
    if (c->refunded >= c->amount) {
        return remember(error(
            400,
            "invalid_request_error",
            "charge_already_refunded",
            "Charge " + c->id + " has already been refunded."
        ));
    }
    const auto value = amount.value_or(c->amount - c->refunded);
    if (value > c->amount - c->refunded) {
        return remember(error(
            400,
            "invalid_request_error",
            "amount_too_large",
            "Refund amount is greater than unrefunded amount on charge",
            "amount"
        ));
    }
    refund r;
    r.id = "re_fake" + std::to_string(refunds_.size() + 1);
    r.charge = c->id;
    r.payment_intent = c->payment_intent;
    r.amount = value;
    r.currency = c->currency;
    r.status = pending_ > 0 ? "pending" : "succeeded";
    pending_ = std::max(0, pending_ - 1);
    r.reason = params.contains("reason") ? params["reason"] : std::string();
    r.metadata = metadata;
    r.idempotency_key = key ? std::string(*key) : std::string();
    c->refunded += value;
    refunds_.push_back(r);
    return remember(http_response::json(200, json::serialize(to_json(r))));
}

}  // namespace refundbot::tests
