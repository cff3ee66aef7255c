-- Issue 19: a draft's targets are part of its revision (where a post
-- appears is part of what a reviewer approves), and a mention keeps what
-- replying to it on its own network needs, and who answered it.

-- Targets move into the revision. Until now they could not change, so
-- every revision of a draft had the draft's targets. drafts.targets stays
-- as a copy of the current revision's. Revisions are immutable: the
-- trigger is lifted for the copy only.
ALTER TABLE revisions ADD COLUMN targets TEXT NOT NULL DEFAULT '';
DROP TRIGGER revisions_no_update;
UPDATE revisions SET targets = (SELECT d.targets FROM drafts d WHERE d.id = revisions.draft_id);
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END;

-- What a reply on the mention's own network needs (JSON of
-- mentions.ReplyRef: network, instance, status id, visibility, at:// URI,
-- author DID); '' for mentions from sources Herald cannot answer on.
ALTER TABLE mentions ADD COLUMN reply_ref TEXT NOT NULL DEFAULT '';
-- Who answered the mention (a published reply, or Mark as answered),
-- when, and the link to the answer ('' when marked by hand without one).
ALTER TABLE mentions ADD COLUMN answered_platform TEXT NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_id TEXT NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_name TEXT NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN answered_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentions ADD COLUMN answer_url TEXT NOT NULL DEFAULT '';
-- The mention a reply draft answers (publication closes it).
CREATE INDEX mentions_by_draft ON mentions (draft_id) WHERE draft_id != 0;
