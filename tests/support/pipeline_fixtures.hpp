#pragma once

#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"
#include "pipeline/policy/policy.hpp"
#include "pipeline/reasoning/schema_validator.hpp"

#include <boost/json/object.hpp>

#include <functional>

namespace refundbot::tests {

using json_edit = std::function<void(boost::json::object&)>;

/// The seed's example request (USD 129.00 order, 49.00 requested, delivered 2026-02-14,
/// created 2026-02-21), edited by `edit`, parsed; throws with every error if it does not parse.
pipeline::model::refund_request make_request(const json_edit& edit = {});
boost::json::object request_json(const json_edit& edit = {});

/// An established low-risk customer whose parcel was delivered, edited by `edit`.
pipeline::model::enriched_context make_context(const json_edit& edit = {}, int exponent = 2);

/// deploy/policy.example.json as shipped, edited by `edit`.
pipeline::policy::refund_policy make_policy(const json_edit& edit = {});
boost::json::object policy_json();

/// The decision contract from templates/.
const pipeline::reasoning::schema_validator& decision_contract();

/// A file under the source tree, read whole.
std::string read_source_file(const std::string& relative);

}  // namespace refundbot::tests
