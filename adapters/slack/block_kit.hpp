#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace refundbot::adapters::slack {

/// `&`, `<` and `>` as Slack's entities, `&` first: user text can neither mention, link nor
/// format through angle-bracket tokens.
[[nodiscard]] std::string escape_text(std::string_view text);

/// At most `limit` characters (code points, as Slack counts), ending in an ellipsis when cut; never
/// splits a UTF-8 sequence or an entity written by escape_text.
[[nodiscard]] std::string truncate_text(std::string_view text, std::size_t limit);

/// Renders a Block Kit template (JSON from templates/slack/) against `context`:
/// - in strings, `{{path}}` becomes the escaped text of the context value at the dotted path,
///   `{{&path}}` the value as is (only for text refundbot itself formats: links, mentions);
/// - in arrays, `{"$each": "path", "$item": {...}}` repeats the item for every element of the
///   list at `path` (the element's fields shadow the context), and `{"$if": "path",
///   "$then": {...}}` / `{"$unless": ...}` keeps the item only when the value is (not) set.
/// Substitution happens in parsed strings, so no input can change the JSON's structure.
/// @throws std::invalid_argument for a malformed template (a programming error).
[[nodiscard]] boost::json::value render_template(
    const boost::json::value& tpl, const boost::json::object& context
);

enum class surface { message, modal };

/// Cuts a rendered message or view to Slack's limits: 50 blocks per message (100 per modal),
/// header 150, section text 3000, 10 fields of 2000, context 10 elements, actions 25 elements,
/// button text 75 and value 2000, confirm title 100 / text 300 / buttons 30, modal title,
/// submit and close 24, private_metadata 3000; empty texts become "-". A message must carry
/// the top-level `text` fallback.
/// @throws std::invalid_argument when the fallback is missing.
void apply_limits(boost::json::object& payload, surface s);

}  // namespace refundbot::adapters::slack
