// The intake's request parser: any bytes give a request or field errors, never a crash; a
// request that parses serializes to JSON that parses to the same request again.
#include "pipeline/core/json_reader.hpp"
#include "pipeline/model/refund_request.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace refundbot::pipeline;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    core::json_errors errors;
    const auto doc = core::parse_json_text(text, errors);
    if (!doc) {
        return 0;
    }
    const auto parsed = model::parse_refund_request(*doc);
    if (!parsed.ok()) {
        return 0;
    }
    const auto again = model::parse_refund_request(boost::json::value_from(*parsed.value));
    if (!again.ok() || again.value->request_id != parsed.value->request_id ||
        again.value->refund.amount_requested != parsed.value->refund.amount_requested ||
        again.value->order.total != parsed.value->order.total) {
        std::abort();  // what we store would not read back as what we accepted
    }
    return 0;
}
