-- Refund requests as received, and the append-only, hash-chained audit log.

CREATE TABLE requests (
    request_id       text PRIMARY KEY,
    source           text NOT NULL,
    -- The sender's id for the event (X-Refundbot-Event-Id, else the request id): a redelivered
    -- webhook finds its row here and creates nothing new.
    source_event_id  text NOT NULL,
    state            text NOT NULL CHECK (state IN (
                         'RECEIVED', 'DECIDED', 'AUTO_APPROVED', 'DENIED', 'PENDING_REVIEW',
                         'APPROVED', 'AWAITING_EVIDENCE', 'REPLACEMENT_OFFERED', 'EXPIRED',
                         'EXECUTING', 'REFUNDED', 'EXECUTION_FAILED')),
    -- Optimistic concurrency: every transition is UPDATE ... WHERE version = $seen.
    version          integer NOT NULL DEFAULT 1,
    customer_id      text NOT NULL,
    order_id         text NOT NULL,
    currency         currency_code NOT NULL,
    order_total      minor_units NOT NULL CHECK (order_total >= 0),
    amount_requested minor_units NOT NULL CHECK (amount_requested >= 0),
    -- PII lives only in these two columns, so erasure has one place to go.
    customer_email   text,
    payload          jsonb NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_event_id)
);

CREATE INDEX requests_by_customer ON requests (customer_id, received_at);
CREATE INDEX requests_by_order ON requests (order_id);

-- One row per event. `hash` = SHA-256(prev_hash || canonical JSON of the row's fields), so
-- changing or removing any row breaks every hash after it (`refundbot audit verify`).
-- No customer email, name, address or free text is ever stored here.
CREATE TABLE audit_log (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id         text NOT NULL UNIQUE,
    request_id       text NOT NULL,
    event            text NOT NULL,
    actor            text NOT NULL CHECK (actor = 'system' OR actor LIKE 'human:%' OR actor LIKE 'ai:%'),
    occurred_at      timestamptz NOT NULL,
    policy_version   text,
    risk_score       double precision,
    amount_requested minor_units,
    currency         currency_code,
    ai_decision      text,
    ai_confidence    double precision,
    human_override   text,
    processor        text,
    refund_id        text,
    idempotency_key  text,
    prev_hash        text NOT NULL,
    hash             text NOT NULL
);

CREATE INDEX audit_log_by_request ON audit_log (request_id, seq);

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refundbot_forbid_mutation();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refundbot_forbid_mutation();
