#include "adapters/slack/block_kit.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace refundbot::adapters::slack {

namespace json = boost::json;

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string truncate_text(std::string_view text, std::size_t limit) {
    std::size_t chars = 0;
    std::size_t cut = text.size();
    const std::size_t keep = limit == 0 ? 0 : limit - 1;  // room for the ellipsis
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
            continue;  // continuation byte
        }
        if (chars == keep && cut == text.size()) {
            cut = i;
        }
        ++chars;
    }
    if (chars <= limit) {
        return std::string(text);
    }
    auto head = text.substr(0, cut);
    if (const auto amp = head.rfind('&'); amp != std::string_view::npos &&
                                          head.find(';', amp) == std::string_view::npos &&
                                          head.size() - amp < 6) {
        head = head.substr(0, amp);  // half an entity would show as text
    }
    return std::string(head) + "\xE2\x80\xA6";
}

namespace {

const json::value* lookup(const json::object& ctx, std::string_view path) {
    const json::object* at = &ctx;
    while (true) {
        const auto dot = path.find('.');
        const auto key = path.substr(0, dot);
        const auto* v = at->if_contains(key);
        if (v == nullptr || dot == std::string_view::npos) {
            return v;
        }
        if (!v->is_object()) {
            return nullptr;
        }
        at = &v->get_object();
        path.remove_prefix(dot + 1);
    }
}

bool truthy(const json::value* v) {
    if (v == nullptr || v->is_null()) {
        return false;
    }
    if (v->is_bool()) {
        return v->get_bool();
    }
    if (v->is_string()) {
        return !v->get_string().empty();
    }
    if (v->is_array()) {
        return !v->get_array().empty();
    }
    return true;
}

std::string as_text(const json::value* v) {
    if (v == nullptr || v->is_null()) {
        return {};
    }
    if (v->is_string()) {
        return std::string(v->get_string());
    }
    return json::serialize(*v);
}

std::string substitute(std::string_view s, const json::object& ctx) {
    std::string out;
    while (true) {
        const auto open = s.find("{{");
        if (open == std::string_view::npos) {
            out += s;
            return out;
        }
        const auto close = s.find("}}", open);
        if (close == std::string_view::npos) {
            throw std::invalid_argument("unterminated placeholder in template: " + std::string(s));
        }
        out += s.substr(0, open);
        auto name = s.substr(open + 2, close - open - 2);
        const bool raw = name.starts_with('&');
        if (raw) {
            name.remove_prefix(1);
        }
        const auto text = as_text(lookup(ctx, name));
        out += raw ? text : escape_text(text);
        s.remove_prefix(close + 2);
    }
}

json::value render(const json::value& tpl, const json::object& ctx);

void render_into(json::array& out, const json::value& item, const json::object& ctx) {
    if (const auto* o = item.if_object()) {
        if (const auto* each = o->if_contains("$each")) {
            const auto* list = lookup(ctx, each->as_string());
            if (list != nullptr && list->is_array()) {
                for (const auto& element : list->get_array()) {
                    json::object scope = ctx;
                    if (element.is_object()) {
                        for (const auto& [k, v] : element.get_object()) {
                            scope[k] = v;
                        }
                    } else {
                        scope["it"] = element;
                    }
                    render_into(out, o->at("$item"), scope);
                }
            }
            return;
        }
        for (const auto* key : {"$if", "$unless"}) {
            if (const auto* cond = o->if_contains(key)) {
                const bool want = std::string_view(key) == "$if";
                if (truthy(lookup(ctx, cond->as_string())) == want) {
                    render_into(out, o->at("$then"), ctx);
                }
                return;
            }
        }
    }
    out.push_back(render(item, ctx));
}

json::value render(const json::value& tpl, const json::object& ctx) {
    if (const auto* s = tpl.if_string()) {
        return json::string(substitute(*s, ctx));
    }
    if (const auto* a = tpl.if_array()) {
        json::array out;
        for (const auto& item : *a) {
            render_into(out, item, ctx);
        }
        return out;
    }
    if (const auto* o = tpl.if_object()) {
        json::object out;
        for (const auto& [k, v] : *o) {
            out[k] = render(v, ctx);
        }
        return out;
    }
    return tpl;
}

void limit_text_object(json::value* text_object, std::size_t limit) {
    if (text_object == nullptr || !text_object->is_object()) {
        return;
    }
    auto* t = text_object->get_object().if_contains("text");
    if (t == nullptr || !t->is_string()) {
        return;
    }
    auto cut = truncate_text(t->get_string(), limit);
    *t = cut.empty() ? json::string("-") : json::string(cut);
}

void limit_string(json::object& o, std::string_view key, std::size_t limit) {
    if (auto* v = o.if_contains(key); v != nullptr && v->is_string()) {
        *v = json::string(truncate_text(v->get_string(), limit));
    }
}

void limit_array(json::object& o, std::string_view key, std::size_t limit) {
    if (auto* v = o.if_contains(key);
        v != nullptr && v->is_array() && v->get_array().size() > limit) {
        v->get_array().resize(limit);
    }
}

void limit_element(json::object& e) {
    limit_text_object(
        e.if_contains("text"), e.if_contains("type") && e.at("type") == "button" ? 75 : 3000
    );
    limit_string(e, "value", 2000);
    if (auto* confirm = e.if_contains("confirm"); confirm != nullptr && confirm->is_object()) {
        auto& c = confirm->get_object();
        limit_text_object(c.if_contains("title"), 100);
        limit_text_object(c.if_contains("text"), 300);
        limit_text_object(c.if_contains("confirm"), 30);
        limit_text_object(c.if_contains("deny"), 30);
    }
}

void limit_block(json::object& b) {
    const auto type = b.if_contains("type") ? as_text(b.if_contains("type")) : "";
    if (type == "header") {
        limit_text_object(b.if_contains("text"), 150);
    } else if (type == "section") {
        limit_text_object(b.if_contains("text"), 3000);
        limit_array(b, "fields", 10);
        if (auto* fields = b.if_contains("fields"); fields != nullptr && fields->is_array()) {
            for (auto& f : fields->get_array()) {
                limit_text_object(&f, 2000);
            }
        }
        if (auto* acc = b.if_contains("accessory"); acc != nullptr && acc->is_object()) {
            limit_element(acc->get_object());
        }
    } else if (type == "context" || type == "actions") {
        limit_array(b, "elements", type == "context" ? 10 : 25);
        if (auto* elements = b.if_contains("elements");
            elements != nullptr && elements->is_array()) {
            for (auto& e : elements->get_array()) {
                if (e.is_object()) {
                    if (type == "context") {
                        limit_text_object(&e, 3000);
                    } else {
                        limit_element(e.get_object());
                    }
                }
            }
        }
    } else if (type == "input") {
        limit_text_object(b.if_contains("label"), 2000);
    }
}

}  // namespace

json::value render_template(const json::value& tpl, const json::object& context) {
    return render(tpl, context);
}

void apply_limits(json::object& payload, surface s) {
    if (s == surface::message) {
        const auto* text = payload.if_contains("text");
        if (text == nullptr || !text->is_string() || text->get_string().empty()) {
            throw std::invalid_argument("a Slack message needs its top-level text fallback");
        }
        limit_string(payload, "text", 3000);
    } else {
        for (const auto* key : {"title", "submit", "close"}) {
            limit_text_object(payload.if_contains(key), 24);
        }
        limit_string(payload, "private_metadata", 3000);
    }
    auto* blocks = payload.if_contains("blocks");
    if (blocks == nullptr || !blocks->is_array()) {
        return;
    }
    auto& list = blocks->get_array();
    const std::size_t max_blocks = s == surface::message ? 50 : 100;
    if (list.size() > max_blocks) {
        const auto dropped = list.size() - (max_blocks - 1);
        list.resize(max_blocks - 1);
        list.push_back(json::object{
            {"type", "context"},
            {"elements",
             json::array{json::object{
                 {"type", "mrkdwn"}, {"text", std::to_string(dropped) + " more not shown"}}}}});
    }
    for (auto& b : list) {
        if (b.is_object()) {
            limit_block(b.get_object());
        }
    }
}

}  // namespace refundbot::adapters::slack
