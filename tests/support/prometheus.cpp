// An independent reader of the Prometheus text format, so tests check the output against the
// format rather than against our own writer.
#include "tests/support/prometheus.hpp"

#include <cstdlib>
#include <regex>
#include <sstream>

namespace refundbot::tests {

exposition parse_exposition(const std::string& text) {
    exposition out;
    static const std::regex name_re(R"([a-zA-Z_:][a-zA-Z0-9_:]*)");
    static const std::regex help_re(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
    static const std::regex type_re(
        R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))"
    );
    static const std::regex sample_re(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*)?\})? ([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]Inf|NaN))"
    );
    if (!text.empty() && text.back() != '\n') {
        out.problems.push_back("exposition does not end with a newline");
    }
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (line.empty()) {
            continue;
        }
        if (line.starts_with("# HELP ")) {
            if (!std::regex_match(line, help_re)) {
                out.problems.push_back("line " + std::to_string(n) + ": bad HELP: " + line);
            }
        } else if (line.starts_with("# TYPE ")) {
            if (std::regex_match(line, m, type_re)) {
                out.types[m[1]] = m[2];
            } else {
                out.problems.push_back("line " + std::to_string(n) + ": bad TYPE: " + line);
            }
        } else if (line.starts_with("#")) {
            continue;
        } else if (std::regex_match(line, m, sample_re)) {
            const auto space = line.rfind(' ');
            out.samples[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
            std::string family = m[1];
            for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                if (family.ends_with(suffix) && !out.types.contains(family)) {
                    family = family.substr(0, family.size() - std::string(suffix).size());
                }
            }
            if (!out.types.contains(family)) {
                out.problems.push_back(
                    "line " + std::to_string(n) + ": sample before its TYPE: " + line
                );
            }
        } else {
            out.problems.push_back("line " + std::to_string(n) + ": not a valid sample: " + line);
        }
    }
    return out;
}

}  // namespace refundbot::tests
