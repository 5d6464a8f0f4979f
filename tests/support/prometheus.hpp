#pragma once

#include <map>
#include <string>
#include <vector>

namespace refundbot::tests {

/// A parsed exposition: sample lines keyed by their full series (`name{labels}`), plus the
/// problems found against the text format 0.0.4 grammar (empty when valid).
struct exposition {
    std::map<std::string, double> samples;
    std::map<std::string, std::string> types;  ///< metric family -> counter|gauge|histogram|...
    std::vector<std::string> problems;
};

exposition parse_exposition(const std::string& text);

}  // namespace refundbot::tests
