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

-- Inbound platform events already handled (Slack event_id, Discord
-- interaction id), so that retries are handled once.
CREATE TABLE inbound_events (
    event_key   TEXT    PRIMARY KEY,
    received_at INTEGER NOT NULL
);
CREATE INDEX inbound_events_by_time ON inbound_events (received_at);
