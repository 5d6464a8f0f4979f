#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace refundbot::pipeline::core {

/// Lower-cases UTF-8 text and folds Latin-1 accented letters to ASCII (a-umlaut -> "a",
/// "ROTO" -> "roto"), collapsing runs of spaces and punctuation to one space, so keyword
/// matching is not fooled by case, accents or "!!!". Other scripts pass through.
[[nodiscard]] std::string fold_text(std::string_view utf8);

/// True when folded `text` contains any of `phrases` (already folded) starting at a word
/// boundary, so "scratched" matches "scratch" but "paid" does not match "aid".
[[nodiscard]] bool mentions(std::string_view text, std::initializer_list<std::string_view> phrases);

}  // namespace refundbot::pipeline::core
