-- Calendar feed tokens are stored as the lowercase hex SHA-256 of the
-- token, like webhook source tokens (as SQLite's 0009).
UPDATE calendars SET token = encode(sha256(convert_to(token, 'UTF8')), 'hex');
