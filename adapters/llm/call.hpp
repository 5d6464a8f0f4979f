#pragma once

#include "adapters/http/client.hpp"
#include "pipeline/ports/language_model.hpp"

#include <boost/json/object.hpp>

#include <optional>

namespace refundbot::adapters::llm {

/// Sends one model request and fills `reply` with what both providers share: the bodies, and
/// a failure for a transport error or a non-200 answer (naming the provider's error type and
/// message). @return the parsed 200 body, or nothing when `reply.failure` says why not.
[[nodiscard]] std::optional<boost::json::object> post_json(
    http::client& http,
    std::string url,
    std::vector<http::header_field> headers,
    const boost::json::object& body,
    pipeline::ports::model_reply& reply
);

/// `text` parsed as a JSON object (models sometimes wrap it in a ``` fence), else nothing.
[[nodiscard]] std::optional<boost::json::value> parse_answer(std::string_view text);

}  // namespace refundbot::adapters::llm
