#pragma once

#include "adapters/llm/settings.hpp"
#include "pipeline/ports/language_model.hpp"

namespace refundbot::adapters::http {
class client;
}  // namespace refundbot::adapters::http

namespace refundbot::adapters::llm {

/// What every model behind an HTTP API holds: the client (timeouts, retries) and its settings.
class http_model : public pipeline::ports::language_model {
public:
    http_model(http::client& http, model_settings settings)
        : http_(http), settings_(std::move(settings)) {}
    [[nodiscard]] const std::string& model() const override { return settings_.model; }

protected:
    http::client& http_;
    model_settings settings_;
};

}  // namespace refundbot::adapters::llm
