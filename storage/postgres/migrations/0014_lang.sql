-- The language of what a brand's channels see (issue 18): cards, notes in
-- threads, digests, alerts. '' is English, Herald's default; `brand lang`
-- sets "en" or "fr".
ALTER TABLE brands ADD COLUMN lang TEXT NOT NULL DEFAULT '';
