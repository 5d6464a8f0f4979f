#include "pipeline/model/claims.hpp"

#include "pipeline/core/text.hpp"

#include <algorithm>

namespace refundbot::pipeline::model {

namespace {

enum claim_group { not_received, chargeback_threat, hostile };

constexpr std::string_view not_received_phrases[] = {
    "never arrived",    "never arived",    "never received",  "never recieved", "not received",
    "not recieved",     "didn't arrive",   "didnt arrive",    "did not arrive", "hasn't arrived",
    "hasnt arrived",    "has not arrived", "didn't receive",  "didnt receive",  "did not receive",
    "haven't received", "havent received", "package missing", "parcel missing", "missing package",
    "missing parcel",   "not delivered",   "never delivered", "never got",      "never showed up",
    "no llego",         "no me llego",     "nunca llego",     "no recibi",      "nicht angekommen",
    "nie angekommen",   "nicht erhalten",  "jamais recu",     "pas recu",       "jamais arrive",
    "nao chegou",       "nao recebi",      "mai arrivato",    "non e arrivato", "lost in transit",
    "stolen from"};
constexpr std::string_view chargeback_phrases[] = {
    "chargeback",
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
    "estorno"};
constexpr std::string_view hostile_phrases[] = {
    "scam",    "scammer",       "fraudsters", "thieves",        "idiot",  "stupid",
    "useless", "lawyer",        "attorney",   "sue you",        "suing",  "report you",
    "bbb",     "worst company", "ripoff",     "rip off",        "estafa", "betrug",
    "arnaque", "vergogna",      "pathetic",   "garbage company"};

const core::phrase_matcher& matcher() {
    static const core::phrase_matcher m = [] {
        std::vector<core::phrase_matcher::entry> all;
        for (auto p : not_received_phrases) {
            all.push_back({p, not_received});
        }
        for (auto p : chargeback_phrases) {
            all.push_back({p, chargeback_threat});
        }
        for (auto p : hostile_phrases) {
            all.push_back({p, hostile});
        }
        return core::phrase_matcher(std::move(all));
    }();
    return m;
}

}  // namespace

claims read_claims(const refund_request& r) {
    claims c;
    c.text = core::fold_text(r.refund.reason_text);
    if (const auto it = r.metadata.find("customer_message"); it != r.metadata.end()) {
        c.text += " " + core::fold_text(it->second);
    }
    for (const auto& e : matcher().find(c.text)) {
        c.not_received = c.not_received || e.group == not_received;
        c.chargeback_threat = c.chargeback_threat || e.group == chargeback_threat;
        c.hostile = c.hostile || e.group == hostile;
    }
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
