#include "bot/handlers/intake_replies.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace refundbot::bot::handlers {

namespace json = boost::json;
using server::http_response;

http_response invalid_payload(const pipeline::core::json_errors& errors) {
    json::array list;
    for (const auto& e : errors) {
        const auto colon = e.find(": ");
        list.push_back(json::object{{"path", e.substr(0, colon)}, {"message", e.substr(colon + 2)}}
        );
    }
    json::object body{
        {"error", "invalid_payload"},
        {"message", std::to_string(errors.size()) + " problem(s) in the request"},
        {"errors", std::move(list)},
    };
    return http_response::json(422, json::serialize(body));
}

http_response stored(const adapters::postgres::intake_outcome& outcome) {
    return http_response::json(
        outcome.duplicate ? 200 : 202,
        json::serialize(json::object{{"request_id", outcome.request_id}, {"state", outcome.state}})
    );
}

}  // namespace refundbot::bot::handlers
