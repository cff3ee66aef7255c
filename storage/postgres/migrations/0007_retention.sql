-- Retention (issue 14): how long a brand keeps its mentions, in days
-- (`listen keep 90d`); 0 keeps them forever. Older mentions are deleted
-- with their dedupe keys and card copies, in small batches; the audit,
-- drafts and revisions stay. (0006 is unused, as in SQLite.)
ALTER TABLE listen_settings ADD COLUMN keep_days INTEGER NOT NULL DEFAULT 180;

-- The dedupe keys of a mention, found by mention when it is deleted.
CREATE INDEX mention_keys_by_mention ON mention_keys (mention_id);
