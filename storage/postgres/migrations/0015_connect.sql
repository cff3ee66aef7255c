-- Accounts connected through their network's authorization page (target
-- connect): who the account posts as and who connected it, the refresh
-- token (sealed like the secret), the tokens' expiry and the account's
-- health. Times are Unix milliseconds, UTC; 0 is none. dead is 0 or 1,
-- as in SQLite (herald import copies values as they are).
ALTER TABLE accounts ADD COLUMN conn_as            TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN conn_by            TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN refresh            TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN granted_at         BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN expires_at         BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN refresh_expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_ok_at         BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_error         TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN error_at           BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN dead               BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN warned_at          BIGINT NOT NULL DEFAULT 0;

-- One connect link given to a person: only the SHA-256 of its state is
-- kept. It is used once (used_at), before expires_at; when the person may
-- post as several accounts, the tokens wait for their choice (grant,
-- sealed) with the accounts offered (choices, JSON) until expires_at.
CREATE TABLE connect_states (
    state_hash     TEXT COLLATE "C" PRIMARY KEY,
    brand_id       BIGINT NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
    kind           TEXT COLLATE "C" NOT NULL,
    name           TEXT COLLATE "C" NOT NULL,
    actor_platform TEXT COLLATE "C" NOT NULL,
    actor_id       TEXT COLLATE "C" NOT NULL,
    actor_name     TEXT COLLATE "C" NOT NULL DEFAULT '',
    actor_lang     TEXT COLLATE "C" NOT NULL DEFAULT '',
    ch_platform    TEXT COLLATE "C" NOT NULL DEFAULT '',
    ch_workspace   TEXT COLLATE "C" NOT NULL DEFAULT '',
    ch_channel     TEXT COLLATE "C" NOT NULL DEFAULT '',
    verifier       TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT NOT NULL DEFAULT 0,
    grant_sealed   TEXT COLLATE "C" NOT NULL DEFAULT '',
    choices        TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    chosen_at      BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX connect_states_pending ON connect_states (brand_id, kind, name, actor_platform, actor_id, used_at);
CREATE INDEX connect_states_expiry ON connect_states (expires_at);
