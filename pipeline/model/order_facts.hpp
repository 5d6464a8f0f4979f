#pragma once

#include "pipeline/model/enriched_context.hpp"
#include "pipeline/model/refund_request.hpp"

#include <optional>
#include <string>

namespace refundbot::pipeline::model {

/// What an order system said about a request's order: the order itself, delivery and customer
/// history as the shop knows them. `unavailable` says why nothing came back (not found,
/// timeout, bad answer); an empty one with no order means "nothing to add".
struct order_facts {
    std::optional<order_info> order;
    std::string customer_id;  ///< the shop's customer, for triggers that do not name one
    std::optional<enriched_context> context;
    std::string unavailable;
};

/// Completes a partial order from a lookup: the found order, keeping only the lines the
/// trigger named (a return) and pricing the request from them when it carried no amount, and
/// the shop's customer when the trigger named none. A complete order only gains a missing
/// delivery date. @return why the order could not be completed (the lookup failed, or found
/// no order or not the named lines); nothing for a complete order whose lookup failed.
[[nodiscard]] std::optional<std::string> complete_request(
    refund_request& request, const order_facts& facts
);

/// Delivery and customer facts the shop reports win over what refundbot inferred from its own
/// records (it has seen every order, refundbot only those that became requests).
void merge_shop_context(enriched_context& context, const order_facts& facts);

}  // namespace refundbot::pipeline::model
