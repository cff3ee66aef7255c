-- Publishing: target accounts, deliveries, calendar links, review
-- reminders. Times are Unix milliseconds, UTC.

ALTER TABLE brands ADD COLUMN remind_after_ms INTEGER NOT NULL DEFAULT 0;

CREATE INDEX drafts_due ON drafts (state, publish_at);

-- A brand's account on a network target (mastodon:NAME, ...). The secret
-- is never shown back.
CREATE TABLE accounts (
    brand_id   INTEGER NOT NULL REFERENCES brands(id),
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    url        TEXT    NOT NULL DEFAULT '',
    handle     TEXT    NOT NULL DEFAULT '',
    secret     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (brand_id, kind, name)
);

-- One approved revision on one target. The attempt is recorded (sending)
-- before the network is called; key is the idempotency key of every
-- attempt.
CREATE TABLE deliveries (
    draft_id      INTEGER NOT NULL,
    rev           INTEGER NOT NULL,
    brand_id      INTEGER NOT NULL,
    target        TEXT    NOT NULL,
    key           TEXT    NOT NULL UNIQUE,
    due_at        INTEGER NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'checking', 'unconfirmed', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL DEFAULT 0,
    first_sent_at INTEGER NOT NULL DEFAULT 0,
    sent_at       INTEGER NOT NULL DEFAULT 0,
    external_id   TEXT    NOT NULL DEFAULT '',
    url           TEXT    NOT NULL DEFAULT '',
    error         TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (draft_id, rev, target),
    FOREIGN KEY (draft_id, rev) REFERENCES revisions (draft_id, rev)
);
CREATE INDEX deliveries_work ON deliveries (state, next_at);

-- A brand's calendar feed token (/calendar/{token}.ics).
CREATE TABLE calendars (
    brand_id   INTEGER PRIMARY KEY REFERENCES brands(id),
    token      TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- The last review reminder of each draft.
CREATE TABLE reminders (
    draft_id INTEGER PRIMARY KEY REFERENCES drafts(id),
    version  INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
