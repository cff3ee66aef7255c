-- Media uploaded to a network for a delivery (a draft's revision on a
-- target), recorded before the post is created: a retry or a restart
-- reuses the network's media id while the network keeps it (valid_until;
-- 0 when it does not say) instead of uploading again. Times are Unix
-- milliseconds, UTC.
CREATE TABLE uploads (
    draft_id    BIGINT  NOT NULL,
    rev         INTEGER NOT NULL,
    target      TEXT COLLATE "C"    NOT NULL,
    sha256      TEXT COLLATE "C"    NOT NULL,
    media_id    TEXT COLLATE "C"    NOT NULL,
    uploaded_at BIGINT  NOT NULL,
    valid_until BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (draft_id, rev, target, sha256),
    FOREIGN KEY (draft_id, rev) REFERENCES revisions (draft_id, rev)
);
