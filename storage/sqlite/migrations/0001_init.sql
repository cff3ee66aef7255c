-- Herald schema, version 1. Times are Unix milliseconds, UTC.

CREATE TABLE brands (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE, -- folded name: names are unique case-insensitively
    timezone   TEXT    NOT NULL,
    policy     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE members (
    brand_id  INTEGER NOT NULL REFERENCES brands(id),
    platform  TEXT    NOT NULL,
    user_id   TEXT    NOT NULL,
    name      TEXT    NOT NULL DEFAULT '',
    role      TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'approver', 'client', 'viewer')),
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (brand_id, platform, user_id)
);
CREATE INDEX members_by_user ON members (platform, user_id);

CREATE TABLE channel_brands (
    platform  TEXT    NOT NULL,
    workspace TEXT    NOT NULL,
    channel   TEXT    NOT NULL,
    brand_id  INTEGER NOT NULL REFERENCES brands(id),
    PRIMARY KEY (platform, workspace, channel)
);

CREATE TABLE drafts (
    id              INTEGER PRIMARY KEY,
    brand_id        INTEGER NOT NULL REFERENCES brands(id),
    state           TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    rev             INTEGER NOT NULL,
    author_platform TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL DEFAULT '',
    targets         TEXT    NOT NULL DEFAULT '',
    publish_at      INTEGER NOT NULL DEFAULT 0,
    policy          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX drafts_by_brand_state ON drafts (brand_id, state);

-- Revisions are immutable: a new text is a new row.
CREATE TABLE revisions (
    draft_id        INTEGER NOT NULL REFERENCES drafts(id),
    rev             INTEGER NOT NULL,
    text            TEXT    NOT NULL,
    author_platform TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (draft_id, rev)
);

-- An approval is bound to the revision it saw.
CREATE TABLE approvals (
    draft_id   INTEGER NOT NULL,
    rev        INTEGER NOT NULL,
    stage      INTEGER NOT NULL,
    platform   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    role       TEXT    NOT NULL,
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (draft_id, rev, platform, user_id),
    FOREIGN KEY (draft_id, rev) REFERENCES revisions (draft_id, rev)
);

CREATE TABLE audit (
    id             INTEGER PRIMARY KEY,
    brand_id       INTEGER NOT NULL,
    draft_id       INTEGER,
    action         TEXT    NOT NULL,
    actor_platform TEXT    NOT NULL,
    actor_id       TEXT    NOT NULL,
    actor_name     TEXT    NOT NULL DEFAULT '',
    rev            INTEGER NOT NULL DEFAULT 0,
    from_state     TEXT    NOT NULL DEFAULT '',
    to_state       TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '',
    at             INTEGER NOT NULL
);
CREATE INDEX audit_by_draft ON audit (draft_id, id);

-- The audit log, revisions and approvals are append-only.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;
CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals BEGIN SELECT RAISE(ABORT, 'approvals are immutable'); END;
CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals BEGIN SELECT RAISE(ABORT, 'approvals are immutable'); END;
