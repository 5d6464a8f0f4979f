#pragma once

#include "adapters/postgres/quality_store.hpp"
#include "pipeline/quality/replay.hpp"

#include <string>

namespace refundbot::bot::app {

/// What a replay ran with, printed beside its results.
struct replay_header {
    std::string policy_version;
    std::string reasoner;
    std::string prompt_version;
    std::string since;
    std::string until;
    std::string source;
    pipeline::quality::autonomy_bar bar;
    adapters::postgres::replay_scan scan;
};

[[nodiscard]] std::string replay_table(
    const replay_header& h, const pipeline::quality::replay_report& r
);
[[nodiscard]] std::string replay_json(
    const replay_header& h, const pipeline::quality::replay_report& r
);
/// One row per changed case.
[[nodiscard]] std::string replay_csv(const pipeline::quality::replay_report& r);
/// A single self-contained page: summary, inline SVG charts, the case lists.
[[nodiscard]] std::string replay_html(
    const replay_header& h, const pipeline::quality::replay_report& r
);

}  // namespace refundbot::bot::app
