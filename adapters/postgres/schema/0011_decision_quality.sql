-- Replay, shadow mode and graduated autonomy (docs/decision-quality.md).
--
-- A decision keeps the enrichment it was made with, so a replay re-runs the pipeline on the
-- same facts; decisions made before this migration have none and are skipped by replays.
-- `bot_route` is what the bot would have done on its own; `route` is what it did, which in
-- shadow mode is always MANUAL_REVIEW.
ALTER TABLE decisions
    ADD COLUMN context     jsonb,
    ADD COLUMN mode        text NOT NULL DEFAULT 'live' CHECK (mode IN ('live', 'shadow')),
    ADD COLUMN bot_route   text CHECK (bot_route IN ('AUTO_APPROVE', 'MANUAL_REVIEW', 'DENY')),
    ADD COLUMN segment     text NOT NULL DEFAULT '',
    ADD COLUMN category    text,
    ADD COLUMN amount_band text;
UPDATE decisions SET bot_route = route;
ALTER TABLE decisions ALTER COLUMN bot_route SET NOT NULL;
CREATE INDEX decisions_by_time ON decisions (decided_at);

-- The autonomy mode last seen for each segment ('' is the policy's default), so that a
-- change is audited once, when a policy that changes it is first served.
CREATE TABLE autonomy_modes (
    segment        text PRIMARY KEY,
    mode           text NOT NULL CHECK (mode IN ('live', 'shadow', 'removed')),
    policy_version text NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);
