-- A brand's publishing paused (issue 20): one row per paused brand, deleted
-- when the pause ends (the audit keeps the history). The scheduler's claim
-- of a due post is a conditional UPDATE that finds no row here for the
-- draft's brand, in the same transaction, so a claim either committed
-- before the pause or never happens. IF NOT EXISTS: a test re-runs the
-- migrations above 0007.
CREATE TABLE IF NOT EXISTS brand_pauses (
    brand_id       INTEGER PRIMARY KEY REFERENCES brands(id),
    reason         TEXT    NOT NULL DEFAULT '',
    actor_platform TEXT    NOT NULL,
    actor_id       TEXT    NOT NULL,
    actor_name     TEXT    NOT NULL DEFAULT '',
    at             INTEGER NOT NULL,
    until_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS brand_pauses_by_until ON brand_pauses (until_at) WHERE until_at > 0;
