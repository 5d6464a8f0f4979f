-- The job queue, the pipeline's decisions and the refunds executed for them.

-- One job of each kind per request: enqueueing is idempotent, and a job that runs twice
-- (a lease expired under a slow worker) finds its work done through the request's state.
CREATE TABLE jobs (
    job_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('decide', 'execute')),
    request_id   text NOT NULL REFERENCES requests,
    state        text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 8,
    run_after    timestamptz NOT NULL DEFAULT now(),
    leased_until timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, request_id)
);

CREATE INDEX jobs_runnable ON jobs (run_after) WHERE state IN ('queued', 'running');

-- What the pure pipeline concluded, whole, so a decision can be explained and replayed.
CREATE TABLE decisions (
    request_id     text PRIMARY KEY REFERENCES requests,
    policy_version text NOT NULL,
    route          text NOT NULL CHECK (route IN ('AUTO_APPROVE', 'MANUAL_REVIEW', 'DENY')),
    risk_score     double precision NOT NULL,
    reasoner       text,
    report         jsonb NOT NULL,
    decided_at     timestamptz NOT NULL DEFAULT now()
);

-- At most one execution per request, ever; its idempotency key is stored before the processor
-- is called, so every retry sends the same key.
CREATE TABLE executions (
    request_id      text PRIMARY KEY REFERENCES requests,
    idempotency_key text NOT NULL UNIQUE,
    processor       text NOT NULL,
    amount          minor_units NOT NULL CHECK (amount > 0),
    currency        currency_code NOT NULL,
    state           text NOT NULL CHECK (state IN ('started', 'succeeded', 'failed')),
    refund_id       text,
    error           text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

-- The sandbox processor's simulated refunds. Nothing here moved money.
CREATE TABLE sandbox_refunds (
    refund_id         text PRIMARY KEY,
    idempotency_key   text NOT NULL UNIQUE,
    payment_reference text NOT NULL,
    amount            minor_units NOT NULL,
    currency          currency_code NOT NULL,
    simulated         boolean NOT NULL DEFAULT true CHECK (simulated),
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- Requests stored before the queue existed still need deciding.
INSERT INTO jobs (kind, request_id) SELECT 'decide', request_id FROM requests WHERE state = 'RECEIVED';
