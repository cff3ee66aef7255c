-- Leases on deliveries, as in PostgreSQL's 0016: a scheduler holds a
-- lease (lease_owner, lease_until in Unix milliseconds) on the deliveries
-- it works on. SQLite has one serving process (the file's lock), which
-- always works under the same owner name, so a restart takes its own
-- leases back at once; the columns keep the two stores alike.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_lease ON deliveries (lease_owner, lease_until);
