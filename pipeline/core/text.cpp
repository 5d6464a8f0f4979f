#include "pipeline/core/text.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace refundbot::pipeline::core {
namespace {

// ASCII letters for U+00C0..U+00FF (Latin-1 Supplement letters); 0 where nothing folds.
constexpr std::array<char, 64> latin1_fold = {
    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  // C0-CF
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   's',  // D0-DF
    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  // E0-EF
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   'y',  // F0-FF
};

bool is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

std::string fold_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = true;
    const auto put = [&](char c) {
        if (is_word(c) || c == '\'') {
            out += c;
            space = false;
        } else if (!space) {
            out += ' ';
            space = true;
        }
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            put(static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c));
        } else if (c == 0xC3 && i + 1 < s.size()) {
            // Two-byte UTF-8 for U+00C0..U+00FF.
            const auto cp =
                static_cast<unsigned>(0xC0 + (static_cast<unsigned char>(s[i + 1]) & 0x3F));
            const char folded = cp >= 0xC0 ? latin1_fold[cp - 0xC0] : 0;
            if (folded != 0) {
                put(folded);
            } else {
                out += s.substr(i, 2);
                space = false;
            }
            ++i;
        } else {
            out += static_cast<char>(c);
            space = false;
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

bool mentions(std::string_view text, std::initializer_list<std::string_view> phrases) {
    for (const auto phrase : phrases) {
        for (auto pos = text.find(phrase); pos != std::string_view::npos;
             pos = text.find(phrase, pos + 1)) {
            if (pos == 0 || !is_word(text[pos - 1])) {
                return true;
            }
        }
    }
    return false;
}

phrase_matcher::phrase_matcher(std::vector<entry> phrases) : sorted_(std::move(phrases)) {
    std::sort(sorted_.begin(), sorted_.end(), [](const entry& a, const entry& b) {
        return a.phrase < b.phrase;
    });
}

std::vector<phrase_matcher::entry> phrase_matcher::find(std::string_view text) const {
    std::vector<entry> found;
    for (std::size_t pos = 0; pos + 1 < text.size(); ++pos) {
        if (pos > 0 && is_word(text[pos - 1])) {
            continue;
        }
        const auto rest = text.substr(pos);
        const auto key = rest.substr(0, 2);
        auto it = std::lower_bound(
            sorted_.begin(),
            sorted_.end(),
            key,
            [](const entry& e, std::string_view k) { return e.phrase.substr(0, 2) < k; }
        );
        for (; it != sorted_.end() && it->phrase.substr(0, 2) == key; ++it) {
            if (rest.starts_with(it->phrase) &&
                std::none_of(found.begin(), found.end(), [&](const entry& f) {
                    return f.phrase == it->phrase;
                })) {
                found.push_back(*it);
            }
        }
    }
    return found;
}

std::string fill_placeholders(
    std::string_view text, const std::map<std::string, std::string>& values
) {
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    while (true) {
        const auto open = text.find("{{", at);
        if (open == std::string_view::npos) {
            out.append(text.substr(at));
            return out;
        }
        const auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            throw std::invalid_argument("unclosed placeholder in text");
        }
        out.append(text.substr(at, open - at));
        const std::string name(text.substr(open + 2, close - open - 2));
        const auto it = values.find(name);
        if (it == values.end()) {
            throw std::invalid_argument("no value for placeholder {{" + name + "}}");
        }
        out += it->second;
        at = close + 2;
    }
}

}  // namespace refundbot::pipeline::core
