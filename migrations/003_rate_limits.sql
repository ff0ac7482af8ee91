-- Rate-limit counters shared by every server process (server/ratelimit/).
-- One row per limited key: the number of hits in its current window and when that window
-- ends. A window opens at the first hit after the previous one ended (so a limit of 1 per
-- 10 minutes really means at most one per 10 minutes). Keys are stored as SHA-256 hashes:
-- the table never holds an address or an IP address in the clear.
-- UNLOGGED: counters are not worth WAL traffic; after a crash they start again from zero.
CREATE UNLOGGED TABLE rate_limits (
  key_hash   bytea       PRIMARY KEY CHECK (octet_length(key_hash) = 32),
  window_end timestamptz NOT NULL,
  hits       integer     NOT NULL CHECK (hits > 0)
) WITH (fillfactor = 70);

-- Pruning finds ended windows without scanning the table.
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
