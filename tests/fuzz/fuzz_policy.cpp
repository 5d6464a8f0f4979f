// The policy parser: any JSON gives a policy or errors naming the field, never a crash.
#include "pipeline/core/json_reader.hpp"
#include "pipeline/policy/policy.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot::pipeline;
    core::json_errors errors;
    const auto doc =
        core::parse_json_text(std::string_view(reinterpret_cast<const char*>(data), size), errors);
    if (doc) {
        (void)policy::parse_policy(*doc);
    }
    return 0;
}
