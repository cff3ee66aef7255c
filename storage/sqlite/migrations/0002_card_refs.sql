-- Where each card was posted, so every copy is updated in place.
CREATE TABLE card_refs (
    card_key   TEXT    NOT NULL,
    platform   TEXT    NOT NULL,
    workspace  TEXT    NOT NULL,
    channel    TEXT    NOT NULL,
    message_id TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (card_key, platform, workspace, channel, message_id)
);
