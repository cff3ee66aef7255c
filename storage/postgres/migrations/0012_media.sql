-- The media of each revision (issue 15): pictures and videos, in order,
-- with their alt text. Like the revision's text, they are immutable: adding,
-- removing, reordering or describing media makes a new revision with all of
-- its media. The bytes live in the media store under sha256. Durations are
-- milliseconds.
CREATE TABLE revision_media (
    draft_id    BIGINT  NOT NULL,
    rev         INTEGER NOT NULL,
    position    INTEGER NOT NULL, -- from 1, the order people see and networks get
    sha256      TEXT COLLATE "C"    NOT NULL,
    type        TEXT COLLATE "C"    NOT NULL,
    size        BIGINT  NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    duration_ms BIGINT  NOT NULL DEFAULT 0,
    name        TEXT COLLATE "C"    NOT NULL DEFAULT '',
    alt         TEXT COLLATE "C"    NOT NULL DEFAULT '',
    PRIMARY KEY (draft_id, rev, position),
    FOREIGN KEY (draft_id, rev) REFERENCES revisions (draft_id, rev)
);
-- The orphan sweeper asks whether any revision refers to a sum.
CREATE INDEX revision_media_by_sha ON revision_media (sha256);
