-- Leases (several replicas): a replica that works on a delivery holds a
-- lease on it, lease_owner its replica id and lease_until (Unix
-- milliseconds) when the lease ends unless renewed. Another replica takes
-- a delivery only when no one else holds an unexpired lease on it; a
-- delivery found sending under an expired lease was cut short by a crash.
ALTER TABLE deliveries ADD COLUMN lease_owner TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX deliveries_lease ON deliveries (lease_owner, lease_until);
