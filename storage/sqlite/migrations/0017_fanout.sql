-- Several replicas (issue 17) need PostgreSQL: PostgreSQL's 0017 makes the
-- replicas table and the news replicas send each other's chat adapters.
-- An SQLite file is served by one process (its lock), whose news go from
-- the scheduler and the commands to its adapters in memory: nothing to
-- store. This no-op keeps the two stores' migration numbers the same.
SELECT 1;
