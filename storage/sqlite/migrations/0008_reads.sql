-- Reads at scale (issue 14): rollups of the mentions, kept in the same
-- transaction as every write that changes what they count, and indexes
-- for the list reads. Times are Unix milliseconds, UTC.

-- Mentions per brand, UTC hour (found_at / 3600000), state and list of
-- source labels (the mentions.sources column as stored). A period's
-- counts by state and by source are the sums of its whole hours plus the
-- rows of its partial hours. Rows may reach n = 0; they count nothing.
CREATE TABLE mention_counts (
    brand_id INTEGER NOT NULL,
    hour     INTEGER NOT NULL,
    state    TEXT    NOT NULL,
    sources  TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (brand_id, hour, state, sources)
) WITHOUT ROWID;
INSERT INTO mention_counts (brand_id, hour, state, sources, n)
    SELECT brand_id, found_at / 3600000, state, sources, COUNT(*) FROM mentions GROUP BY 1, 2, 3, 4;

-- The same per UTC day (found_at / 86400000): a week is 7 days of these
-- plus the hours of its partial day.
CREATE TABLE mention_day_counts (
    brand_id INTEGER NOT NULL,
    day      INTEGER NOT NULL,
    state    TEXT    NOT NULL,
    sources  TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (brand_id, day, state, sources)
) WITHOUT ROWID;
INSERT INTO mention_day_counts (brand_id, day, state, sources, n)
    SELECT brand_id, found_at / 86400000, state, sources, COUNT(*) FROM mentions GROUP BY 1, 2, 3, 4;

-- Mentions per brand, UTC day (found_at / 86400000) and author as spelt
-- (summaries fold and rank them), with the author folded as summaries
-- fold it ("Ann" and "@ann" are one: the top authors are found without
-- reading every author) and when the first was found that day (a
-- period's authors in the order first found). Filled for the mentions
-- already stored by Herald right after this migration: folding is Go code.
CREATE TABLE mention_authors (
    brand_id INTEGER NOT NULL,
    day      INTEGER NOT NULL,
    author   TEXT    NOT NULL,
    folded   TEXT    NOT NULL,
    first_at INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (brand_id, day, author)
) WITHOUT ROWID;

-- The newest unhandled mentions of a summary.
CREATE INDEX mentions_unhandled ON mentions (brand_id, found_at) WHERE state IN ('new', 'claimed');

-- `drafts mine`: a person's drafts, newest first.
CREATE INDEX drafts_by_author ON drafts (author_platform, author_id, id);
