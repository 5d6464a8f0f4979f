-- Every call to a language model, for audits, cost accounting and replays. The bodies are
-- what was sent and received, with emails, phone and card numbers masked.
CREATE TABLE ai_calls (
    id bigserial PRIMARY KEY,
    request_id text NOT NULL REFERENCES requests (request_id) ON DELETE CASCADE,
    request_version integer NOT NULL,
    called_at timestamptz NOT NULL DEFAULT now(),
    provider text NOT NULL,
    model text NOT NULL,
    prompt_version text NOT NULL,
    attempt integer NOT NULL CHECK (attempt >= 1),
    outcome text NOT NULL CHECK (outcome IN ('ok', 'invalid', 'failed')),
    failure text NOT NULL DEFAULT '',
    latency_ms bigint NOT NULL CHECK (latency_ms >= 0),
    input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
    output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
    cost_microusd bigint NOT NULL CHECK (cost_microusd >= 0),
    request_body text NOT NULL,
    response_body text NOT NULL
);
CREATE INDEX ai_calls_by_request ON ai_calls (request_id);
CREATE INDEX ai_calls_by_time ON ai_calls (called_at);

-- The decision's audit event names the model, the prompt version, the tokens and the cost.
ALTER TABLE audit_log
    ADD COLUMN ai_model text,
    ADD COLUMN prompt_version text,
    ADD COLUMN ai_input_tokens bigint,
    ADD COLUMN ai_output_tokens bigint,
    ADD COLUMN ai_cost_microusd bigint,
    ADD COLUMN ai_unavailable text;
