#include "bot/server/router.hpp"

#include <stdexcept>

namespace refundbot::bot::server {

router& router::add(std::string method, std::string path, handler h) {
    auto& methods = routes_[path];
    if (!methods.emplace(method, std::move(h)).second) {
        throw std::logic_error("route registered twice: " + method + " " + path);
    }
    return *this;
}

router& router::fallback(handler h) {
    fallback_ = std::move(h);
    return *this;
}

router::match router::find(std::string_view method, std::string_view path) const {
    const auto it = routes_.find(path);
    if (it == routes_.end()) {
        if (fallback_) {
            return {match::kind::found, &fallback_, "fallback", {}};
        }
        return {};
    }
    match m;
    m.route = it->first;
    for (const auto& [name, h] : it->second) {
        if (name == method) {
            m.outcome = match::kind::found;
            m.target = &h;
            return m;
        }
    }
    m.outcome = match::kind::method_not_allowed;
    for (const auto& [name, h] : it->second) {
        m.allow += (m.allow.empty() ? "" : ", ") + name;
    }
    return m;
}

}  // namespace refundbot::bot::server
