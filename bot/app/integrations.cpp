#include "bot/app/integrations.hpp"

namespace refundbot::bot::app {

std::vector<integration> integrations(const config& c) {
    std::vector<integration> out;
    auto add = [&out](std::string name, bool live, bool sandboxed, std::string detail) {
        out.push_back(
            {std::move(name),
             live        ? "live"
             : sandboxed ? "sandboxed"
                         : "off",
             std::move(detail)}
        );
    };
    add("intake (POST /webhooks/requests)",
        !c.intake.secrets.empty(),
        false,
        c.intake.secrets.empty() ? "set REFUNDBOT_INTAKE_SIGNING_SECRET"
                                 : "signed requests accepted");
    add("Slack review cards and /refund",
        c.slack.enabled(),
        c.slack.sandboxed,
        c.slack.enabled()
            ? "Web API at " + c.slack.api.api_base_url + ", cards to " + c.slack.review_channel
        : c.slack.sandboxed ? "review console at http://" + c.http.host + ":" +
                                  std::to_string(c.http.port) + "/sandbox"
                            : "set REFUNDBOT_SLACK_BOT_TOKEN and REFUNDBOT_SLACK_SIGNING_SECRET");
    add("Stripe refunds",
        c.stripe.enabled(),
        !c.stripe.enabled(),
        c.stripe.enabled() ? "API at " + c.stripe.api.api_base_url
                           : "simulated by the sandbox processor; set REFUNDBOT_STRIPE_SECRET_KEY");
    add("Stripe webhooks (POST /webhooks/stripe)",
        !c.stripe.webhook_secret.empty(),
        false,
        c.stripe.webhook_secret.empty() ? "set REFUNDBOT_STRIPE_WEBHOOK_SECRET"
                                        : "disputes and refund updates accepted");
    add("Zendesk trigger (POST /webhooks/zendesk)",
        !c.zendesk_webhook.secret.empty(),
        false,
        c.zendesk_webhook.secret.empty() ? "set REFUNDBOT_ZENDESK_WEBHOOK_SECRET"
                                         : "ticket webhooks accepted");
    add("Zendesk ticket updates",
        c.zendesk.enabled(),
        false,
        c.zendesk.enabled() ? "replies on tickets at " + c.zendesk.base_url
                            : "set zendesk.base_url and REFUNDBOT_ZENDESK_API_TOKEN");
    add("Shopify webhooks (POST /webhooks/shopify)",
        !c.shopify.webhook_secret.empty(),
        false,
        c.shopify.webhook_secret.empty() ? "set REFUNDBOT_SHOPIFY_WEBHOOK_SECRET"
                                         : "returns and refunds accepted");
    add("Shopify order lookup",
        !c.shopify.admin.shop_url.empty(),
        false,
        c.shopify.admin.shop_url.empty()
            ? "set shopify.admin_url and REFUNDBOT_SHOPIFY_ACCESS_TOKEN"
            : "Admin API at " + c.shopify.admin.shop_url);
    add("order lookup endpoint",
        !c.enrich.order_lookup_url.empty(),
        false,
        c.enrich.order_lookup_url.empty() ? "set enrich.order_lookup_url"
                                          : c.enrich.order_lookup_url);
    add("language model",
        c.llm.uses_model(),
        !c.llm.uses_model(),
        c.llm.uses_model()
            ? c.llm.provider + " " + c.llm.model.model + " at " + c.llm.model.base_url
            : "offline rules reasoner; set llm.provider to openai or anthropic");
    return out;
}

}  // namespace refundbot::bot::app
