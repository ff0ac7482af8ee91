-- The witness (server/witness, c2sp.org/tlog-witness v1.0.0): per log origin, the latest
-- checkpoint it cosigned, and requests it refused although the log's signature verified
-- (possible evidence of log misbehaviour). A witness may run on its own database; these
-- tables are all it uses.

-- One row per origin the witness has been asked about. size/root/note are NULL until the
-- first cosignature ("never cosigned", old size 0). The row is locked (SELECT ... FOR
-- UPDATE) for the whole check-and-store of an add-checkpoint request.
CREATE TABLE witness_logs (
  origin text PRIMARY KEY,
  -- lowercase hex SHA-256 of the origin: the monitoring path GET /<origin hash>/checkpoint
  origin_hash text NOT NULL UNIQUE CHECK (origin_hash ~ '^[0-9a-f]{64}$'),
  size bigint CHECK (size >= 0),
  root bytea CHECK (octet_length(root) = 32),
  -- the checkpoint body, the log signature lines the witness verified, and its cosignature
  note text,
  cosigned_at timestamptz,
  CHECK ((size IS NULL) = (root IS NULL) AND (size IS NULL) = (note IS NULL) AND (size IS NULL) = (cosigned_at IS NULL))
);

-- Requests with a valid log signature that were refused (409 fork at equal size, 422 bad
-- proof): kept as they were received, since they may prove that the log misbehaved.
CREATE TABLE witness_refusals (
  id bigserial PRIMARY KEY,
  origin text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status smallint NOT NULL,
  reason text NOT NULL,
  body text NOT NULL
);
CREATE INDEX witness_refusals_origin ON witness_refusals (origin, received_at);
