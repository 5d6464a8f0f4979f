#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace refundbot::pipeline::core {

/// Lower-cases UTF-8 text and folds Latin-1 accented letters to ASCII (a-umlaut -> "a",
/// "ROTO" -> "roto"), collapsing runs of spaces and punctuation to one space, so keyword
/// matching is not fooled by case, accents or "!!!". Other scripts pass through.
[[nodiscard]] std::string fold_text(std::string_view utf8);

/// True when folded `text` contains any of `phrases` (already folded) starting at a word
/// boundary, so "scratched" matches "scratch" but "paid" does not match "aid".
[[nodiscard]] bool mentions(std::string_view text, std::initializer_list<std::string_view> phrases);

/// A fixed set of folded phrases, each tagged with a group, matched at word starts in one pass
/// over the text (binary search on each word's first two letters) rather than one scan per
/// phrase. Phrases must be at least two characters.
class phrase_matcher {
public:
    struct entry {
        std::string_view phrase;
        int group;
    };
    explicit phrase_matcher(std::vector<entry> phrases);

    /// The distinct phrases found in folded `text`, in text order.
    [[nodiscard]] std::vector<entry> find(std::string_view text) const;

private:
    std::vector<entry> sorted_;
};

/// `text` with every `{{name}}` replaced by `values.at(name)` (plain text: nothing escaped).
/// @throws std::invalid_argument naming a placeholder without a value, or an unclosed one.
[[nodiscard]] std::string fill_placeholders(
    std::string_view text, const std::map<std::string, std::string>& values
);

}  // namespace refundbot::pipeline::core
