-- Reads at scale (issue 14): rollups of the mentions, kept in the same
-- transaction as every write that changes what they count, and indexes
-- for the list reads. Times are Unix milliseconds, UTC.

-- Mentions per brand, UTC hour (found_at / 3600000), state and list of
-- source labels (the mentions.sources column as stored).
CREATE TABLE mention_counts (
    brand_id BIGINT  NOT NULL,
    hour     BIGINT  NOT NULL,
    state    TEXT COLLATE "C"    NOT NULL,
    sources  TEXT COLLATE "C"    NOT NULL,
    n        BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, hour, state, sources)
);
INSERT INTO mention_counts (brand_id, hour, state, sources, n)
    SELECT brand_id, found_at / 3600000, state, sources, COUNT(*) FROM mentions GROUP BY 1, 2, 3, 4;

-- The same per UTC day (found_at / 86400000).
CREATE TABLE mention_day_counts (
    brand_id BIGINT  NOT NULL,
    day      BIGINT  NOT NULL,
    state    TEXT COLLATE "C"    NOT NULL,
    sources  TEXT COLLATE "C"    NOT NULL,
    n        BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, day, state, sources)
);
INSERT INTO mention_day_counts (brand_id, day, state, sources, n)
    SELECT brand_id, found_at / 86400000, state, sources, COUNT(*) FROM mentions GROUP BY 1, 2, 3, 4;

-- Mentions per brand, UTC day and author as spelt, with the author folded
-- as summaries fold it and when the first was found that day. Filled by
-- Go right after this migration (folding is Go code).
CREATE TABLE mention_authors (
    brand_id BIGINT  NOT NULL,
    day      BIGINT  NOT NULL,
    author   TEXT COLLATE "C"    NOT NULL,
    folded   TEXT COLLATE "C"    NOT NULL,
    first_at BIGINT  NOT NULL,
    n        BIGINT  NOT NULL,
    PRIMARY KEY (brand_id, day, author)
);

-- The newest unhandled mentions of a summary.
CREATE INDEX mentions_unhandled ON mentions (brand_id, found_at) WHERE state IN ('new', 'claimed');

-- `drafts mine`: a person's drafts, newest first.
CREATE INDEX drafts_by_author ON drafts (author_platform, author_id, id);
