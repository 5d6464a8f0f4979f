#include "adapters/stripe/processor.hpp"

#include "adapters/http/client.hpp"
#include "adapters/http/url.hpp"
#include "adapters/stripe/events.hpp"
#include "adapters/telemetry/log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

namespace refundbot::adapters::stripe {

namespace json = boost::json;
namespace ports = pipeline::ports;

namespace {

struct stripe_error {
    std::string type;
    std::string code;
    std::string message;
};

stripe_error read_error(const std::string& body) {
    stripe_error e;
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return e;
    }
    const auto* err = doc.get_object().if_contains("error");
    if (err == nullptr || !err->is_object()) {
        return e;
    }
    const auto& o = err->get_object();
    auto field = [&o](std::string_view k) {
        const auto* v = o.if_contains(k);
        return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    e.type = field("type");
    e.code = field("code");
    e.message = field("message");
    return e;
}

// Stripe's SDK rule, in its order: the server's explicit word, then 409, 5xx, and a 429 only
// when it is a lock timeout (plain rate limiting needs the caller to slow down instead).
bool should_retry(const http::response& r) {
    if (const auto h = r.header("stripe-should-retry")) {
        if (*h == "true") {
            return true;
        }
        if (*h == "false") {
            return false;
        }
    }
    if (r.status == 409 || r.status >= 500) {
        return true;
    }
    return r.status == 429 && read_error(r.body).code == "lock_timeout";
}

std::optional<json::object> object_body(const std::string& body) {
    boost::system::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return std::nullopt;
    }
    return std::move(doc.get_object());
}

bool is_payment_intent(std::string_view reference) {
    return reference.starts_with("pi_");
}

}  // namespace

struct stripe_processor::impl {
    explicit impl(stripe_settings s)
        : settings(std::move(s)), http([&] {
              http::client_settings c;
              c.connect_timeout = settings.connect_timeout;
              c.request_timeout = settings.request_timeout;
              c.max_attempts = 1;  // retries follow Stripe's rule, below
              c.extra_ca_file = settings.extra_ca_file;
              c.user_agent = "refundbot (stripe)";
              return c;
          }()) {}

    stripe_settings settings;
    http::client http;
    telemetry::logger log{"stripe"};

    struct reply {
        std::optional<http::response> response;
        std::string failure;  ///< why no response came
    };

    std::chrono::milliseconds backoff(int retry) const {
        thread_local std::mt19937 rng{std::random_device{}()};
        const auto base =
            std::min(settings.max_backoff, settings.retry_backoff * (1 + retry * retry));
        std::uniform_real_distribution<double> jitter(0.75, 1.0);
        return std::chrono::milliseconds(
            static_cast<long long>(static_cast<double>(base.count()) * jitter(rng))
        );
    }

    reply call(
        const std::string& method,
        const std::string& target,
        const std::string& body,
        const std::string& idempotency_key
    ) {
        http::request r;
        r.method = method;
        r.url = http::join_url(settings.api_base_url, target);
        r.body = body;
        r.idempotent = true;  // reads, or writes carrying an idempotency key
        r.headers = {
            {"Authorization", "Bearer " + std::string(settings.secret_key.reveal())},
            {"Stripe-Version", settings.api_version},
        };
        if (method == "POST") {
            r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
        }
        if (!idempotency_key.empty()) {
            r.headers.push_back({"Idempotency-Key", idempotency_key});
        }
        reply out;
        for (int retry = 0;; ++retry) {
            std::string why;
            try {
                auto response = http.send(r);
                if (!should_retry(response) || retry >= settings.max_network_retries) {
                    out.response = std::move(response);
                    return out;
                }
                why = "HTTP " + std::to_string(response.status);
                if (const auto rid = response.header("request-id")) {
                    why += " (" + std::string(*rid) + ")";
                }
            } catch (const http::transport_error& e) {
                why = e.what();
                if (retry >= settings.max_network_retries) {
                    out.failure = why;
                    return out;
                }
            }
            const auto wait = backoff(retry + 1);
            log.warn(
                "retrying Stripe request with the same idempotency key",
                {{"method", method},
                 {"path", target.substr(0, target.find('?'))},
                 {"reason", why},
                 {"retry", retry + 1},
                 {"wait_ms", wait.count()}}
            );
            std::this_thread::sleep_for(wait);
        }
    }

    // The refund answer (create or retrieve) as a result.
    ports::refund_result read_refund_reply(const reply& rep, std::string_view what) const {
        if (!rep.response) {
            return ports::refund_result::failure(
                ports::refund_outcome::unknown, "network", "no answer from Stripe: " + rep.failure
            );
        }
        const auto& resp = *rep.response;
        if (resp.status == 200) {
            const auto body = object_body(resp.body);
            const auto refund = body ? read_refund(*body) : std::nullopt;
            if (!refund) {
                return ports::refund_result::failure(
                    ports::refund_outcome::unknown, "unreadable", "Stripe's answer is not a Refund"
                );
            }
            return ports::result_of(*refund);
        }
        const auto err = read_error(resp.body);
        const auto code = err.code.empty() ? err.type : err.code;
        const auto message = "Stripe " + std::to_string(resp.status) + " on " + std::string(what) +
                             ": " + (err.message.empty() ? std::string("no message") : err.message);
        if (resp.status == 401 || resp.status == 403) {
            log.error(
                "Stripe refused the API key; check REFUNDBOT_STRIPE_SECRET_KEY",
                {{"status", resp.status}}
            );
            return ports::refund_result::failure(ports::refund_outcome::unknown, code, message);
        }
        // Asked to slow down, or a server-side error the retries did not clear: the job
        // queue tries again later with the same key.
        if (resp.status == 429 || resp.status == 409 || resp.status >= 500) {
            return ports::refund_result::failure(ports::refund_outcome::unknown, code, message);
        }
        auto failed = ports::refund_result::failure(
            ports::refund_outcome::failed,
            code.empty() ? "http_" + std::to_string(resp.status) : code,
            message
        );
        failed.status = "error";
        return failed;
    }
};

stripe_processor::stripe_processor(stripe_settings settings)
    : impl_(std::make_unique<impl>(std::move(settings))) {}

stripe_processor::~stripe_processor() = default;

ports::refund_result stripe_processor::refund(const ports::refund_order& order) {
    std::vector<std::pair<std::string, std::string>> form;
    form.emplace_back(
        is_payment_intent(order.payment_reference) ? "payment_intent" : "charge",
        order.payment_reference
    );
    form.emplace_back("amount", std::to_string(order.amount.minor));
    form.emplace_back("reason", order.reason);
    form.emplace_back("metadata[request_id]", order.request_id);
    if (!order.review_id.empty()) {
        form.emplace_back("metadata[review_id]", order.review_id);
    }
    if (!order.source.empty()) {
        form.emplace_back("metadata[source]", order.source);
    }
    const auto rep =
        impl_->call("POST", "/v1/refunds", http::form_encode(form), order.idempotency_key);
    return impl_->read_refund_reply(rep, "POST /v1/refunds");
}

ports::refund_result stripe_processor::lookup(const std::string& refund_id) {
    const auto rep = impl_->call("GET", "/v1/refunds/" + http::form_escape(refund_id), {}, {});
    return impl_->read_refund_reply(rep, "GET /v1/refunds/{id}");
}

std::optional<ports::refund_result> stripe_processor::find(const ports::refund_order& order) {
    const auto target =
        "/v1/refunds?" +
        http::form_encode({
            {is_payment_intent(order.payment_reference) ? "payment_intent" : "charge",
             order.payment_reference},
            {"limit", "100"},
        });
    const auto rep = impl_->call("GET", target, {}, {});
    if (!rep.response || rep.response->status != 200) {
        throw std::runtime_error(
            "cannot list Stripe refunds: " +
            (rep.response ? "HTTP " + std::to_string(rep.response->status) : rep.failure)
        );
    }
    const auto body = object_body(rep.response->body);
    const auto* data = body ? body->if_contains("data") : nullptr;
    if (data == nullptr || !data->is_array()) {
        throw std::runtime_error("Stripe's refund list has no data array");
    }
    for (const auto& item : data->get_array()) {
        if (!item.is_object()) {
            continue;
        }
        if (auto r = read_refund(item.get_object()); r && r->request_id == order.request_id) {
            return ports::result_of(*r);
        }
    }
    return std::nullopt;
}

std::optional<ports::payment_balance> stripe_processor::balance(const std::string& reference) {
    const bool intent = is_payment_intent(reference);
    const auto target = intent ? "/v1/payment_intents/" + http::form_escape(reference) +
                                     "?expand%5B0%5D=latest_charge"
                               : "/v1/charges/" + http::form_escape(reference);
    const auto rep = impl_->call("GET", target, {}, {});
    if (!rep.response || rep.response->status != 200) {
        const auto err = rep.response ? read_error(rep.response->body) : stripe_error{};
        throw std::runtime_error(
            "cannot read payment " + reference + " from Stripe: " +
            (rep.response ? "HTTP " + std::to_string(rep.response->status) + " " + err.code
                          : rep.failure)
        );
    }
    auto body = object_body(rep.response->body);
    const json::object* charge = body ? &*body : nullptr;
    if (intent && charge != nullptr) {
        const auto* latest = charge->if_contains("latest_charge");
        charge = latest != nullptr && latest->is_object() ? &latest->get_object() : nullptr;
    }
    if (charge == nullptr) {
        throw std::runtime_error("payment " + reference + " has no charge at Stripe to refund");
    }
    auto number = [charge](std::string_view k) -> std::int64_t {
        const auto* v = charge->if_contains(k);
        return v != nullptr && v->is_int64() ? v->get_int64() : 0;
    };
    std::string currency;
    if (const auto* c = charge->if_contains("currency"); c != nullptr && c->is_string()) {
        currency = std::string(c->get_string());
        std::transform(currency.begin(), currency.end(), currency.begin(), [](unsigned char ch) {
            return static_cast<char>(std::toupper(ch));
        });
    }
    ports::payment_balance b;
    b.captured = {
        charge->contains("amount_captured") ? number("amount_captured") : number("amount"),
        currency};
    b.refunded = number("amount_refunded");
    const auto* disputed = charge->if_contains("disputed");
    b.disputed = disputed != nullptr && disputed->is_bool() && disputed->get_bool();
    return b;
}

}  // namespace refundbot::adapters::stripe
