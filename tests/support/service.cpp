#include "tests/support/service.hpp"

#include "bot/handlers/webhook_signature.hpp"

#include <stdexcept>
#include <thread>

namespace refundbot::tests {

using namespace std::chrono_literals;

service::service(const std::string& db_url, env_list extra) {
    env_list env = {
        {"REFUNDBOT_DB_URL", db_url},
        {"REFUNDBOT_HTTP_PORT", std::to_string(port)},
        {"REFUNDBOT_LOG_FORMAT", "json"},
        {"REFUNDBOT_DB_CONNECT_TIMEOUT_S", "2"},
        {"REFUNDBOT_POLICY_FILE",
         std::string(REFUNDBOT_SOURCE_DIR) + "/deploy/policy.example.json"},
        {"REFUNDBOT_JOBS_POLL_MS", "200"},
    };
    for (auto& [name, value] : extra) {  // a test's value replaces the default
        std::erase_if(env, [&name](const auto& e) { return e.first == name; });
        env.emplace_back(std::move(name), std::move(value));
    }
    env_ = std::move(env);
    restart();
}

void service::restart() {
    process.reset();
    process = std::make_unique<child_process>(
        refundbot_binary(), std::vector<std::string>{"serve"}, env_
    );
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (http_get(port, "/healthz").status == 200) {
                return;
            }
        } catch (const std::exception&) {
        }
        if (process->wait(0ms)) {
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("refundbot did not come up:\n" + process->output());
}

http_reply post_signed_request(
    std::uint16_t port, const std::string& secret, const std::string& body
) {
    return http(
        port,
        {.method = "POST",
         .target = "/webhooks/requests",
         .body = body,
         .headers =
             {{"X-Refundbot-Signature",
               bot::handlers::sign_refundbot_request(secret, unix_now(), body)}}}
    );
}

http_reply wait_for_readyz(std::uint16_t port, unsigned status, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    http_reply last;
    while (std::chrono::steady_clock::now() < deadline) {
        last = http_get(port, "/readyz");
        if (last.status == status) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    return last;
}

}  // namespace refundbot::tests
