-- Slack reviews: cards posted, approvals given, reminders sent, daily summaries posted, and a
-- job queue that carries more than one job per request (each click is a job of its own).

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN (
    'decide', 'execute', 'slack_card', 'slack_action', 'slack_resolve', 'slack_reminder',
    'slack_summary', 'slack_command'));
-- Distinguishes jobs of one kind for one request (a click's user and action_ts, a card's
-- request version, a summary's day).
ALTER TABLE jobs ADD COLUMN job_key text NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN payload jsonb;
ALTER TABLE jobs ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_request_id_key;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_request_key UNIQUE NULLS NOT DISTINCT (kind, request_id, job_key);

-- Where each review card went, so buttons, updates and reminders find it. One card per
-- request version: evidence that re-opens a request gets a fresh card.
CREATE TABLE slack_cards (
    request_id      text NOT NULL REFERENCES requests,
    request_version integer NOT NULL,
    channel         text NOT NULL,
    ts              text NOT NULL,
    posted_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, request_version)
);

-- Four-eyes approvals: one row per distinct approver.
CREATE TABLE review_approvals (
    request_id  text NOT NULL REFERENCES requests,
    approver    text NOT NULL,
    approved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, approver)
);

-- A reviewer's optional note on a denial: free text, so kept out of the audit log.
CREATE TABLE review_notes (
    request_id text NOT NULL REFERENCES requests,
    author     text NOT NULL,
    reason     text NOT NULL,
    note       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE review_reminders (
    request_id text NOT NULL REFERENCES requests,
    level      text NOT NULL CHECK (level IN ('remind', 'escalate')),
    queued_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, level)
);

-- One row per local day summarised: the primary key is what makes the post happen once
-- across replicas and restarts.
CREATE TABLE daily_summaries (
    day       date PRIMARY KEY,
    timezone  text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    posted_at timestamptz
);
