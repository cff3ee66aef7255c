-- Issue 19: a draft's targets are part of its revision, and a mention
-- keeps what replying to it on its own network needs, and who answered it.

-- Targets move into the revision; drafts.targets stays as a copy of the
-- current revision's. Revisions are immutable: the trigger is lifted for
-- the copy only.
ALTER TABLE revisions ADD COLUMN targets TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE revisions DISABLE TRIGGER revisions_no_update;
UPDATE revisions SET targets = (SELECT d.targets FROM drafts d WHERE d.id = revisions.draft_id);
ALTER TABLE revisions ENABLE TRIGGER revisions_no_update;

-- What a reply on the mention's own network needs (JSON of
-- mentions.ReplyRef); '' for mentions from sources Herald cannot answer on.
ALTER TABLE mentions ADD COLUMN reply_ref TEXT COLLATE "C" NOT NULL DEFAULT '';
-- Who answered the mention, when, and the link to the answer.
ALTER TABLE mentions ADD COLUMN answered_platform TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_id TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_name TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mentions ADD COLUMN answer_url TEXT COLLATE "C" NOT NULL DEFAULT '';
-- The mention a reply draft answers (publication closes it).
CREATE INDEX mentions_by_draft ON mentions (draft_id) WHERE draft_id <> 0;
