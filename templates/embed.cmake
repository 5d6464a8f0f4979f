# Generates a C++ source that holds template files as string constants, so the binary and the
# tests read exactly the committed files. Run with -DOUT= -DBASE= -DFILES="a|b" (relative paths).
string(REPLACE "|" ";" FILES "${FILES}")
set(body "")
foreach(rel IN LISTS FILES)
    file(READ "${BASE}/${rel}" text)
    string(APPEND body "    {\"${rel}\", R\"refundbot_tpl(${text})refundbot_tpl\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from templates/ by templates/embed.cmake; do not edit.
#include \"templates/templates.hpp\"

#include <stdexcept>
#include <string>

namespace refundbot::templates {
namespace {
struct entry {
    std::string_view name;
    std::string_view text;
};
const entry entries[] = {
${body}};
}  // namespace

std::string_view get(std::string_view name) {
    for (const auto& e : entries) {
        if (e.name == name) {
            return e.text;
        }
    }
    throw std::out_of_range(\"no template named \" + std::string(name));
}

}  // namespace refundbot::templates
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
