#include "tests/support/fake_zendesk.hpp"

#include "adapters/zendesk/webhooks.hpp"
#include "pipeline/core/timestamp.hpp"
#include "tests/support/pipeline_fixtures.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <gtest/gtest.h>

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

namespace {

// The JSON string contents for `text` (what Zendesk writes inside the template's quotes).
std::string json_escaped(const std::string& text) {
    const auto quoted = json::serialize(json::string(text));
    return quoted.substr(1, quoted.size() - 2);
}

std::string replace_placeholders(
    std::string text, const std::function<std::string(const std::string&)>& value
) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        const auto open = text.find("{{", pos);
        if (open == std::string::npos) {
            break;
        }
        const auto close = text.find("}}", open);
        out += text.substr(pos, open - pos);
        out += value(text.substr(open + 2, close - open - 2));
        pos = close + 2;
    }
    return out + text.substr(pos);
}

}  // namespace

std::string render_zendesk_body(
    const std::map<std::string, std::string>& values,
    const std::vector<zendesk_attachment>& attachments
) {
    const auto tpl = read_source_file("deploy/zendesk/webhook-body.json");
    const std::string loop_open =
        "{% for comment in ticket.public_comments %}{% for attachment in comment.attachments %}";
    const std::string loop_close = "{% endfor %}{% endfor %}";
    const auto begin = tpl.find(loop_open);
    const auto end = tpl.find(loop_close);
    EXPECT_NE(begin, std::string::npos) << "the attachments loop is missing from the template";
    EXPECT_NE(end, std::string::npos);
    if (begin == std::string::npos || end == std::string::npos) {
        return {};
    }
    const auto item = tpl.substr(begin + loop_open.size(), end - begin - loop_open.size());
    std::string rendered_items;
    for (const auto& a : attachments) {
        rendered_items += replace_placeholders(item, [&](const std::string& name) {
            if (name == "attachment.url") {
                return json_escaped(a.url);
            }
            EXPECT_EQ(name, "attachment.filename") << "unknown attachment placeholder";
            return json_escaped(a.filename);
        });
    }
    const auto outside =
        tpl.substr(0, begin) + rendered_items + tpl.substr(end + loop_close.size());
    return replace_placeholders(outside, [&](const std::string& name) {
        const auto it = values.find(name);
        return it == values.end() ? std::string() : json_escaped(it->second);
    });
}

std::vector<std::pair<std::string, std::string>> zendesk_headers(
    const std::string& secret,
    const std::string& timestamp,
    const std::string& body,
    const std::string& invocation_id
) {
    return {
        {"X-Zendesk-Account-Id", "123456"},
        {"X-Zendesk-Webhook-Id", "01F1KRFQ6BG29CNWFR60NK5FNY"},
        {"X-Zendesk-Webhook-Invocation-Id", invocation_id},
        {"X-Zendesk-Webhook-Signature", adapters::zendesk::sign(secret, timestamp, body)},
        {"X-Zendesk-Webhook-Signature-Timestamp", timestamp},
    };
}

std::string zendesk_now() {
    return pipeline::core::format_rfc3339(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())
    );
}

}  // namespace refundbot::tests
