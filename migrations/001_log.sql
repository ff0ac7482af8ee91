-- The transparency log (log/): pending entries waiting for the sequencer, and the integrated
-- tree stored as c2sp.org/tlog-tiles rows, one row per batch in log_batches (which pending
-- ids it took), and the signed checkpoints. Everything except log_pending is append-only:
-- statement triggers reject UPDATE, DELETE and TRUNCATE, and only an integrator transaction
-- may insert. Sizes and indices are bigint; tile widths 1..256.

-- Entries written by the server, integrated (and deleted) by the sequencer in id order. An
-- entry is kept as its entry-bundle item (u16 big-endian length, then the entry), and its
-- RFC 9162 leaf hash SHA-256(0x00 || entry) is computed by PostgreSQL as it is written, so the
-- sequencer, the one serial step, neither hashes leaves nor re-encodes entries.
CREATE TABLE log_pending (
  id bigserial PRIMARY KEY,
  item bytea NOT NULL CHECK (
    octet_length(item) BETWEEN 3 AND 4098
    AND get_byte(item, 0) * 256 + get_byte(item, 1) = octet_length(item) - 2),
  leaf bytea NOT NULL GENERATED ALWAYS AS (sha256('\x00'::bytea || substring(item FROM 3))) STORED
);

-- One row per integrated batch: leaves [first_index, size). pending_ids[i] (1-based) became
-- leaf first_index + i - 1; pending_range spans them for the lookup pending id -> index.
CREATE TABLE log_batches (
  first_index bigint PRIMARY KEY CHECK (first_index >= 0),
  size bigint NOT NULL UNIQUE,
  pending_ids bigint[] NOT NULL,
  pending_range int8range NOT NULL,
  CHECK (size > first_index),
  CHECK (cardinality(pending_ids) = size - first_index)
);
CREATE INDEX log_batches_pending_range ON log_batches USING gist (pending_range);
ALTER TABLE log_batches ALTER COLUMN pending_ids SET STORAGE EXTERNAL;

-- Hash tiles. A row holds hashes [start, width) of tile (level, idx): what one batch added.
-- A row with width 256 always starts at 0 (the whole tile), so full tiles are single rows.
CREATE TABLE log_tiles (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 7),
  idx bigint NOT NULL CHECK (idx >= 0),
  width smallint NOT NULL CHECK (width BETWEEN 1 AND 256),
  start smallint NOT NULL CHECK (start >= 0 AND start < width AND (width < 256 OR start = 0)),
  hashes bytea NOT NULL CHECK (octet_length(hashes) = (width - start) * 32),
  PRIMARY KEY (level, idx, width)
);
ALTER TABLE log_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;

-- Entry bundles, stored the same way; entries are u16-length-prefixed as in tlog-tiles.
CREATE TABLE log_entry_bundles (
  idx bigint NOT NULL CHECK (idx >= 0),
  width smallint NOT NULL CHECK (width BETWEEN 1 AND 256),
  start smallint NOT NULL CHECK (start >= 0 AND start < width AND (width < 256 OR start = 0)),
  entries bytea NOT NULL,
  PRIMARY KEY (idx, width)
);
ALTER TABLE log_entry_bundles ALTER COLUMN entries SET STORAGE EXTERNAL;

-- The signed checkpoint (a c2sp signed note) of each batch's tree size, with the tree's
-- frontier: the hashes of the complete subtrees making up [0, size), largest first, which is
-- all the next batch needs to carry on.
CREATE TABLE log_checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  root bytea NOT NULL CHECK (octet_length(root) = 32),
  frontier bytea NOT NULL CHECK (octet_length(frontier) % 32 = 0),
  note text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Batches must be contiguous: each starts where the tree ends. (Two racing inserts that both
-- pass this check collide on the primary key.)
CREATE FUNCTION log_batches_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tree_size bigint;
BEGIN
  SELECT coalesce(max(size), 0) INTO tree_size FROM log_batches;
  IF NEW.first_index <> tree_size THEN
    RAISE EXCEPTION 'log batch starting at % does not continue the tree of size %', NEW.first_index, tree_size
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER log_batches_contiguous BEFORE INSERT ON log_batches
  FOR EACH ROW EXECUTE FUNCTION log_batches_contiguous();

-- Only an integrator transaction writes the log: lockLog takes the advisory lock and sets
-- glasskey.log_writer for the transaction. A statement arriving any other way (for instance
-- a driver replaying a dead transaction's statements on a fresh session) is rejected.
CREATE FUNCTION log_require_integrator() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('glasskey.log_writer', true), '') <> 'integrator' THEN
    RAISE EXCEPTION 'table % is written only by the log integrator (under its advisory lock)', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER log_batches_integrator_only BEFORE INSERT ON log_batches
  FOR EACH STATEMENT EXECUTE FUNCTION log_require_integrator();
CREATE TRIGGER log_tiles_integrator_only BEFORE INSERT ON log_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION log_require_integrator();
CREATE TRIGGER log_entry_bundles_integrator_only BEFORE INSERT ON log_entry_bundles
  FOR EACH STATEMENT EXECUTE FUNCTION log_require_integrator();
CREATE TRIGGER log_checkpoints_integrator_only BEFORE INSERT ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION log_require_integrator();

CREATE FUNCTION log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % rejected', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;
-- Pending rows are deleted when integrated, never changed (the integrator reads a row's leaf
-- hash in one statement and moves the row in the next).
CREATE TRIGGER log_pending_no_update BEFORE UPDATE ON log_pending
  FOR EACH STATEMENT EXECUTE FUNCTION log_reject_change();
CREATE TRIGGER log_batches_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON log_batches
  FOR EACH STATEMENT EXECUTE FUNCTION log_reject_change();
CREATE TRIGGER log_tiles_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON log_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION log_reject_change();
CREATE TRIGGER log_entry_bundles_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON log_entry_bundles
  FOR EACH STATEMENT EXECUTE FUNCTION log_reject_change();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION log_reject_change();
