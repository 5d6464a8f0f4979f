#include "tests/support/fake_zendesk.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::tests {

namespace json = boost::json;
using bot::server::http_request;
using bot::server::http_response;

fake_zendesk::fake_zendesk(std::string authorization)
    : authorization_(std::move(authorization)),
      server_([this](const http_request& req) { return handle(req); }) {}

void fake_zendesk::add_ticket(const std::string& id, std::vector<std::string> tags) {
    std::lock_guard lock(mutex_);
    tickets_[id] = ticket{std::move(tags), {}};
}

fake_zendesk::ticket fake_zendesk::get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    return tickets_.at(id);
}

void fake_zendesk::fail_next(int n, unsigned status) {
    std::lock_guard lock(mutex_);
    failing_ = n;
    fail_status_ = status;
}

void fake_zendesk::lose_next_answer() {
    std::lock_guard lock(mutex_);
    lose_next_ = true;
}

std::vector<std::string> fake_zendesk::rejections() const {
    std::lock_guard lock(mutex_);
    return rejections_;
}

http_response fake_zendesk::handle(const http_request& req) {
    std::lock_guard lock(mutex_);
    auto invalid = [this](unsigned status, const std::string& error, const std::string& why) {
        rejections_.push_back(why);
        return http_response::json(
            status, json::serialize(json::object{{"error", error}, {"description", why}})
        );
    };
    if (req.header("authorization") != std::optional<std::string_view>(authorization_)) {
        return invalid(401, "Couldn't authenticate you", "bad Authorization header");
    }
    if (failing_ > 0) {
        --failing_;
        auto r = http_response::json(fail_status_, R"({"error":"Service unavailable"})");
        if (fail_status_ == 429) {
            r.headers.emplace_back("Retry-After", "1");
        }
        return r;
    }
    constexpr std::string_view prefix = "/api/v2/tickets/";
    if (!req.path.starts_with(prefix) || !req.path.ends_with(".json")) {
        return invalid(404, "InvalidEndpoint", "unknown path " + req.path);
    }
    const auto id = req.path.substr(prefix.size(), req.path.size() - prefix.size() - 5);
    const auto it = tickets_.find(id);
    if (it == tickets_.end()) {
        return http_response::json(404, R"({"error":"RecordNotFound","description":"Not found"})");
    }
    auto& t = it->second;
    if (req.method == "PUT") {
        if (req.header("content-type").value_or("").find("application/json") ==
            std::string_view::npos) {
            return invalid(415, "UnsupportedMediaType", "PUT without application/json");
        }
        boost::system::error_code ec;
        const auto doc = json::parse(req.body, ec);
        const auto* update =
            !ec && doc.is_object() ? doc.get_object().if_contains("ticket") : nullptr;
        if (update == nullptr || !update->is_object()) {
            return invalid(400, "InvalidValue", "body must be {\"ticket\": {...}}");
        }
        const auto& o = update->get_object();
        for (const auto& [key, _] : o) {
            if (key != "comment" && key != "tags" && key != "status" && key != "additional_tags") {
                return invalid(422, "RecordInvalid", "unexpected ticket field " + std::string(key));
            }
        }
        if (const auto* c = o.if_contains("comment")) {
            const auto* body = c->is_object() ? c->get_object().if_contains("body") : nullptr;
            const auto* pub = c->is_object() ? c->get_object().if_contains("public") : nullptr;
            if (body == nullptr || !body->is_string() || body->get_string().empty() ||
                (pub != nullptr && !pub->is_bool())) {
                return invalid(
                    422, "RecordInvalid", "comment needs a body (and public as a boolean)"
                );
            }
            if (t.comments.size() >= 5000) {
                return invalid(422, "RecordInvalid", "too many comments");
            }
            t.comments.push_back(
                {std::string(body->get_string()), pub == nullptr || pub->get_bool()}
            );
        }
        if (const auto* tags = o.if_contains("tags")) {
            if (!tags->is_array()) {
                return invalid(422, "RecordInvalid", "tags must be an array");
            }
            std::vector<std::string> next;
            for (const auto& tag : tags->get_array()) {
                if (!tag.is_string() || tag.get_string().empty() ||
                    std::string_view(tag.get_string()).find(' ') != std::string_view::npos) {
                    return invalid(422, "RecordInvalid", "a tag must be one word");
                }
                next.emplace_back(tag.get_string());
            }
            t.tags = std::move(next);  // an update replaces the whole list
        }
        if (std::exchange(lose_next_, false)) {
            return http_response::json(500, R"({"error":"InternalError"})");
        }
    } else if (req.method != "GET") {
        return invalid(405, "MethodNotAllowed", req.method);
    }
    json::array tags;
    for (const auto& tag : t.tags) {
        tags.emplace_back(tag);
    }
    return http_response::json(
        200,
        json::serialize(json::object{
            {"ticket", {{"id", std::stoll(id)}, {"status", "open"}, {"tags", std::move(tags)}}}})
    );
}

}  // namespace refundbot::tests
