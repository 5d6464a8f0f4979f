#pragma once

#include "bot/orchestrator/job_workers.hpp"
#include "pipeline/approval/authority.hpp"
#include "pipeline/quality/agreement.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace refundbot::adapters::slack {
class web_api;
}  // namespace refundbot::adapters::slack

namespace refundbot::bot::orchestrator {

struct slack_review_settings {
    std::string review_channel;
    std::string summary_channel;  ///< empty: no daily summary
    std::string summary_time = "09:00";
    std::string summary_timezone = "UTC";
    pipeline::approval::authority_settings authority;
    std::chrono::seconds remind_after{4 * 3600};
    std::chrono::seconds escalate_after{24 * 3600};
    std::chrono::seconds group_cache_ttl{300};
    std::string alerts_channel;  ///< empty: alerts go only to the card's thread
    /// The policy's bar for recommending a segment for live auto-approval.
    pipeline::quality::autonomy_bar autonomy_bar;
};

/// The Slack review loop as jobs: post review cards, act on clicks and the deny modal (after
/// checking the clicker's authority), show outcomes on the card and in its thread, remind and
/// escalate, answer /refund lookups, post the daily summary. Every Slack call happens here, on
/// a worker thread, never while Slack waits for an HTTP answer.
class slack_review_jobs final : public job_extension {
public:
    slack_review_jobs(slack_review_settings settings, adapters::slack::web_api& api);

    [[nodiscard]] bool handles(std::string_view kind) const override;
    void run(const adapters::postgres::job& j, pqxx::connection_base& cx) override;
    void sweep(pqxx::connection_base& cx) override;

private:
    void post_card(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void act(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void show_outcome(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void remind(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void summarize(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void command(const adapters::postgres::job& j, pqxx::connection_base& cx);
    void alert(const adapters::postgres::job& j, pqxx::connection_base& cx);

    pipeline::approval::reviewer_identity identify(const std::string& user);

    slack_review_settings settings_;
    adapters::slack::web_api& api_;
    std::mutex groups_mutex_;
    std::map<std::string, std::set<std::string>> group_members_;
    std::chrono::steady_clock::time_point groups_loaded_{};
};

}  // namespace refundbot::bot::orchestrator
