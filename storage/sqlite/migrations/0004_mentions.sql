-- Listening: watches, sources, mentions, mutes, settings, and the
-- listening audit log. Times are Unix milliseconds, UTC. Lists inside a
-- row (watch ids, source labels, terms) are joined with U+001F.

-- A saved query of a brand, routed to a channel.
CREATE TABLE watches (
    id               INTEGER PRIMARY KEY,
    brand_id         INTEGER NOT NULL REFERENCES brands(id),
    query            TEXT    NOT NULL,
    platform         TEXT    NOT NULL,
    workspace        TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    created_platform TEXT    NOT NULL DEFAULT '',
    created_id       TEXT    NOT NULL DEFAULT '',
    created_name     TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
CREATE INDEX watches_by_brand ON watches (brand_id);

-- A configured source with its cursor and health. The cursor is written
-- in the same transaction as the mentions of its batch.
CREATE TABLE sources (
    id               INTEGER PRIMARY KEY,
    brand_id         INTEGER NOT NULL REFERENCES brands(id),
    kind             TEXT    NOT NULL,
    url              TEXT    NOT NULL DEFAULT '',
    tag              TEXT    NOT NULL DEFAULT '',
    token            TEXT,            -- webhook only; NULL otherwise
    cursor           TEXT    NOT NULL DEFAULT '',
    last_success     INTEGER NOT NULL DEFAULT 0,
    last_error       INTEGER NOT NULL DEFAULT 0,
    last_error_msg   TEXT    NOT NULL DEFAULT '',
    items_seen       INTEGER NOT NULL DEFAULT 0,
    failures         INTEGER NOT NULL DEFAULT 0,
    next_poll        INTEGER NOT NULL DEFAULT 0,
    created_platform TEXT    NOT NULL DEFAULT '',
    created_id       TEXT    NOT NULL DEFAULT '',
    created_name     TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    UNIQUE (brand_id, kind, url, tag)
);
CREATE UNIQUE INDEX sources_by_token ON sources (token) WHERE token IS NOT NULL;
CREATE INDEX sources_due ON sources (next_poll) WHERE kind <> 'webhook';

CREATE TABLE mentions (
    id               INTEGER PRIMARY KEY,
    brand_id         INTEGER NOT NULL REFERENCES brands(id),
    state            TEXT    NOT NULL CHECK (state IN ('new', 'claimed', 'handled', 'ignored')),
    version          INTEGER NOT NULL,
    watch_ids        TEXT    NOT NULL DEFAULT '',
    url              TEXT    NOT NULL DEFAULT '',
    canonical_url    TEXT    NOT NULL DEFAULT '',
    title            TEXT    NOT NULL DEFAULT '',
    text             TEXT    NOT NULL DEFAULT '',
    author           TEXT    NOT NULL DEFAULT '',
    author_url       TEXT    NOT NULL DEFAULT '',
    lang             TEXT    NOT NULL DEFAULT '',
    published        INTEGER NOT NULL DEFAULT 0,
    found_at         INTEGER NOT NULL,
    sources          TEXT    NOT NULL DEFAULT '',
    terms            TEXT    NOT NULL DEFAULT '',
    claimer_platform TEXT    NOT NULL DEFAULT '',
    claimer_id       TEXT    NOT NULL DEFAULT '',
    claimer_name     TEXT    NOT NULL DEFAULT '',
    draft_id         INTEGER NOT NULL DEFAULT 0,
    sentiment        TEXT    NOT NULL DEFAULT '',
    urgency          TEXT    NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL
);
-- Recent mentions of a brand (watch test, summaries, digests).
CREATE INDEX mentions_recent ON mentions (brand_id, found_at);

-- Dedupe keys of a brand's mentions: "url:" + canonical URL (a mention by
-- brand and canonical URL) and "ext:" + source kind + ":" + external id (by
-- source and external id). One key belongs to one mention.
CREATE TABLE mention_keys (
    brand_id   INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    mention_id INTEGER NOT NULL REFERENCES mentions(id),
    PRIMARY KEY (brand_id, key)
) WITHOUT ROWID;

-- Append-only: every action on mentions, watches, sources, mutes, settings.
CREATE TABLE mention_audit (
    id             INTEGER PRIMARY KEY,
    brand_id       INTEGER NOT NULL,
    mention_id     INTEGER,
    action         TEXT    NOT NULL,
    actor_platform TEXT    NOT NULL DEFAULT '',
    actor_id       TEXT    NOT NULL DEFAULT '',
    actor_name     TEXT    NOT NULL DEFAULT '',
    from_state     TEXT    NOT NULL DEFAULT '',
    to_state       TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '',
    at             INTEGER NOT NULL
);
CREATE INDEX mention_audit_by_mention ON mention_audit (mention_id) WHERE mention_id IS NOT NULL;

CREATE TABLE mutes (
    brand_id    INTEGER NOT NULL REFERENCES brands(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('author', 'domain')),
    value       TEXT    NOT NULL,
    by_platform TEXT    NOT NULL DEFAULT '',
    by_id       TEXT    NOT NULL DEFAULT '',
    by_name     TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    PRIMARY KEY (brand_id, kind, value)
);

-- A brand's listening settings; no row means the defaults (digest at 09:00).
CREATE TABLE listen_settings (
    brand_id    INTEGER PRIMARY KEY REFERENCES brands(id),
    langs       TEXT    NOT NULL DEFAULT '',
    digest_at   TEXT    NOT NULL DEFAULT '09:00',
    triage      INTEGER NOT NULL DEFAULT 0,
    last_digest TEXT    NOT NULL DEFAULT ''
);
