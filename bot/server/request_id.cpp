#include "bot/server/request_id.hpp"

#include <array>
#include <cstdio>
#include <random>

namespace refundbot::bot::server {
namespace {

bool acceptable(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '+' ||
                        c == '=' || c == '/' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string request_id_for(std::optional<std::string_view> incoming) {
    if (incoming && acceptable(*incoming)) {
        return std::string(*incoming);
    }
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::array<char, 33> buf{};
    std::snprintf(
        buf.data(),
        buf.size(),
        "%016llx%016llx",
        static_cast<unsigned long long>(rng()),
        static_cast<unsigned long long>(rng())
    );
    return {buf.data(), 32};
}

}  // namespace refundbot::bot::server
