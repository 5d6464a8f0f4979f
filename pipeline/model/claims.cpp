#include "pipeline/model/claims.hpp"

#include "pipeline/core/text.hpp"

#include <algorithm>

namespace refundbot::pipeline::model {

claims read_claims(const refund_request& r) {
    using core::mentions;
    claims c;
    c.text = core::fold_text(r.refund.reason_text);
    if (const auto it = r.metadata.find("customer_message"); it != r.metadata.end()) {
        c.text += " " + core::fold_text(it->second);
    }
    const std::string_view t = c.text;
    c.not_received =
        mentions(t, {"never arrived",   "never arived",     "never received",  "never recieved",
                     "not received",    "not recieved",     "didn't arrive",   "didnt arrive",
                     "did not arrive",  "hasn't arrived",   "hasnt arrived",   "has not arrived",
                     "didn't receive",  "didnt receive",    "did not receive", "haven't received",
                     "havent received", "package missing",  "parcel missing",  "missing package",
                     "missing parcel",  "not delivered",    "never delivered", "never got",
                     "never showed up", "no llego",         "no me llego",     "nunca llego",
                     "no recibi",       "nicht angekommen", "nie angekommen",  "nicht erhalten",
                     "jamais recu",     "pas recu",         "jamais arrive",   "nao chegou",
                     "nao recebi",      "mai arrivato",     "non e arrivato",  "lost in transit",
                     "stolen from"});
    c.chargeback_threat = mentions(
        t,
        {"chargeback",
         "charge back",
         "charge-back",
         "dispute",
         "my bank",
         "call the bank",
         "credit card company",
         "card company",
         "reverse the charge",
         "reverse the payment",
         "contracargo",
         "reclamacion al banco",
         "ruckbuchung",
         "ruckbelastung",
         "bank zuruck",
         "opposition bancaire",
         "contestation",
         "estorno"}
    );
    c.hostile =
        mentions(t, {"scam",     "scammer",        "fraudsters", "thieves",       "idiot",
                     "stupid",   "useless",        "lawyer",     "attorney",      "sue you",
                     "suing",    "report you",     "bbb",        "worst company", "ripoff",
                     "rip off",  "estafa",         "betrug",     "arnaque",       "vergogna",
                     "pathetic", "garbage company"});
    return c;
}

bool has_evidence(const refund_request& r, std::initializer_list<std::string_view> types) {
    return std::any_of(
        r.refund.evidence.begin(),
        r.refund.evidence.end(),
        [&](const evidence_item& e) {
            return std::find(types.begin(), types.end(), e.type) != types.end();
        }
    );
}

}  // namespace refundbot::pipeline::model
