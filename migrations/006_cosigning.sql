-- The directory's side of witnessing (server/cosigning): what each configured witness last
-- cosigned, the cosignatures gathered per checkpoint size, and the checkpoints that met the
-- witness quorum, which every server process serves.

-- Per witness (its name in the witnesses file): the tree size it last cosigned for this log,
-- as far as we know (a 409 from the witness corrects it).
CREATE TABLE cosigning_witnesses (
  name text PRIMARY KEY,
  vkey text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The newest cosignature line each witness returned for a checkpoint size. `body` is the
-- checkpoint body it covers; `timestamp` the cosignature's own time (unix seconds).
CREATE TABLE cosignatures (
  size bigint NOT NULL CHECK (size >= 0),
  witness text NOT NULL,
  body text NOT NULL,
  line text NOT NULL CHECK (line LIKE E'\u2014 %\n'),
  timestamp bigint NOT NULL CHECK (timestamp >= 0),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (size, witness)
);

-- Checkpoints whose cosignatures met the quorum: the log's signed note with the cosignature
-- lines appended. The served checkpoint is the row with the largest size.
CREATE TABLE served_checkpoints (
  size bigint PRIMARY KEY CHECK (size >= 0),
  note text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
