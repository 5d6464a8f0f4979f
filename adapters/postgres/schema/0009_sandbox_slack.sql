-- Sandbox mode's Slack: what the bot sent to the Slack-compatible sink that `refundbot serve`
-- answers on loopback, for the review console at /sandbox. Stays empty in production.
CREATE TABLE sandbox_slack_posts (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('message', 'ephemeral', 'view', 'response')),
    channel text NOT NULL DEFAULT '',
    ts text UNIQUE,              -- messages: Slack's message id in the channel
    thread_ts text,              -- a reply: the parent message's ts
    user_id text,                -- ephemeral: who sees it
    ref text,                    -- view: the trigger_id; response: the response_url's token
    body jsonb NOT NULL,
    edits integer NOT NULL DEFAULT 0,
    posted_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
