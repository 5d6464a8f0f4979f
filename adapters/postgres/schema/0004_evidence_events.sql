-- Later events about an existing request (new evidence) are deduplicated here, as requests'
-- own (source, source_event_id) deduplicates the first.
CREATE TABLE evidence_events (
    source          text NOT NULL,
    source_event_id text NOT NULL,
    request_id      text NOT NULL REFERENCES requests,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, source_event_id)
);
