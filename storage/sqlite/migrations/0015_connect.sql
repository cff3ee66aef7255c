-- Accounts connected through their network's authorization page (target
-- connect): who the account posts as and who connected it, the refresh
-- token (sealed like the secret), the tokens' expiry and the account's
-- health. Times are Unix milliseconds, UTC; 0 is none.
ALTER TABLE accounts ADD COLUMN conn_as            TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN conn_by            TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN refresh            TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN granted_at         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN expires_at         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN refresh_expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_ok_at         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_error         TEXT    NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN error_at           INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN dead               INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN warned_at          INTEGER NOT NULL DEFAULT 0;

-- One connect link given to a person: only the SHA-256 of its state is
-- kept. It is used once (used_at), before expires_at; when the person may
-- post as several accounts, the tokens wait for their choice (grant,
-- sealed) with the accounts offered (choices, JSON) until expires_at.
CREATE TABLE connect_states (
    state_hash     TEXT    PRIMARY KEY,
    brand_id       INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    actor_platform TEXT    NOT NULL,
    actor_id       TEXT    NOT NULL,
    actor_name     TEXT    NOT NULL DEFAULT '',
    actor_lang     TEXT    NOT NULL DEFAULT '',
    ch_platform    TEXT    NOT NULL DEFAULT '',
    ch_workspace   TEXT    NOT NULL DEFAULT '',
    ch_channel     TEXT    NOT NULL DEFAULT '',
    verifier       TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER NOT NULL DEFAULT 0,
    grant_sealed   TEXT    NOT NULL DEFAULT '',
    choices        TEXT    NOT NULL DEFAULT '[]',
    chosen_at      INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX connect_states_pending ON connect_states (brand_id, kind, name, actor_platform, actor_id, used_at);
CREATE INDEX connect_states_expiry ON connect_states (expires_at);
