-- A brand's publishing paused (issue 20): one row per paused brand, deleted
-- when the pause ends (the audit keeps the history). The scheduler's claim
-- of a due post locks the brand's row FOR SHARE and the pause takes it FOR
-- NO KEY UPDATE, so under READ COMMITTED a claim either committed before
-- the pause or sees it.
CREATE TABLE brand_pauses (
    brand_id       BIGINT  PRIMARY KEY REFERENCES brands(id),
    reason         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    actor_platform TEXT COLLATE "C"    NOT NULL,
    actor_id       TEXT COLLATE "C"    NOT NULL,
    actor_name     TEXT COLLATE "C"    NOT NULL DEFAULT '',
    at             BIGINT  NOT NULL,
    until_at       BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX brand_pauses_by_until ON brand_pauses (until_at) WHERE until_at > 0;
