#include "adapters/llm/call.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::adapters::llm {

namespace json = boost::json;

namespace {

std::string error_detail(const std::string& body) {
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return {};
    }
    const auto* error = doc.get_object().if_contains("error");
    if (error == nullptr || !error->is_object()) {
        return {};
    }
    std::string out;
    for (const char* key : {"type", "code", "message"}) {
        if (const auto* v = error->get_object().if_contains(key); v && v->is_string()) {
            out += (out.empty() ? "" : " ") + std::string(v->get_string());
            if (std::string_view(key) != "message") {
                break;  // the type or code, then the message
            }
        }
    }
    if (const auto* m = error->get_object().if_contains("message");
        m && m->is_string() && out.find(std::string(m->get_string())) == std::string::npos) {
        out += (out.empty() ? "" : ": ") + std::string(m->get_string());
    }
    return out.size() > 300 ? out.substr(0, 300) : out;
}

}  // namespace

std::optional<json::object> post_json(
    http::client& http,
    std::string url,
    std::vector<http::header_field> headers,
    const json::object& body,
    pipeline::ports::model_reply& reply
) {
    http::request r;
    r.method = "POST";
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.headers.push_back({"Content-Type", "application/json"});
    r.headers.push_back({"Accept", "application/json"});
    r.body = json::serialize(body);
    // Asking again costs tokens but changes nothing: 5xx answers are retried too.
    r.idempotent = true;
    reply.request_body = r.body;
    http::response res;
    try {
        res = http.send(r);
    } catch (const std::exception& e) {
        reply.failure = e.what();
        return std::nullopt;
    }
    reply.response_body = res.body;
    if (res.status != 200) {
        const auto detail = error_detail(res.body);
        reply.failure = "HTTP " + std::to_string(res.status) + (detail.empty() ? "" : " " + detail);
        return std::nullopt;
    }
    boost::system::error_code ec;
    auto doc = json::parse(res.body, ec);
    if (ec || !doc.is_object()) {
        reply.failure = "the answer is not a JSON object";
        return std::nullopt;
    }
    return std::move(doc.get_object());
}

std::optional<json::value> parse_answer(std::string_view text) {
    auto body = text;
    while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r')) {
        body.remove_prefix(1);
    }
    if (body.starts_with("```")) {
        const auto open = body.find('\n');
        const auto close = body.rfind("```");
        if (open != std::string_view::npos && close > open) {
            body = body.substr(open + 1, close - open - 1);
        }
    }
    boost::system::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return std::nullopt;
    }
    return doc;
}

}  // namespace refundbot::adapters::llm
