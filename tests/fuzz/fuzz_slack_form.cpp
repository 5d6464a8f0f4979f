// Slack's form bodies (slash commands, interactions) and the payload JSON inside them.
#include "bot/handlers/slack_request.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot::bot::handlers;
    const auto form = parse_form(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!form) {
        return 0;
    }
    for (const char* name : {"payload", "text", "user_id", "response_url"}) {
        if (const auto v = form_value(*form, name); v && std::string_view(name) == "payload") {
            std::error_code ec;
            (void)boost::json::parse(*v, ec);
        }
    }
    return 0;
}
