-- The media of each revision (issue 15): pictures and videos, in order,
-- with their alt text. Like the revision's text, they are immutable: adding,
-- removing, reordering or describing media makes a new revision with all of
-- its media. The bytes live in the media store under sha256; revisions
-- written before this migration have no rows here (no media). Durations are
-- milliseconds.
CREATE TABLE IF NOT EXISTS revision_media (
    draft_id    INTEGER NOT NULL,
    rev         INTEGER NOT NULL,
    position    INTEGER NOT NULL, -- from 1, the order people see and networks get
    sha256      TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    name        TEXT    NOT NULL DEFAULT '',
    alt         TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (draft_id, rev, position),
    FOREIGN KEY (draft_id, rev) REFERENCES revisions (draft_id, rev)
);
-- The orphan sweeper asks whether any revision refers to a sum.
CREATE INDEX IF NOT EXISTS revision_media_by_sha ON revision_media (sha256);
