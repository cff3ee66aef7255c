-- Calendar feed tokens are stored as the lowercase hex SHA-256 of the
-- token, like webhook source tokens: the database alone no longer opens
-- a brand's calendar, and existing links keep working (the feed looks a
-- token up by its hash). herald_sha256 is registered by the store;
-- PostgreSQL's form is encode(sha256(convert_to(token, 'UTF8')), 'hex').
UPDATE calendars SET token = herald_sha256(token);
