-- The directory: cleaned certificates, the key IDs that find them, addresses with their
-- VRF identity and current binding, every log entry appended per identity (with the exact
-- bytes served for it), and the single-use tokens of uploads and mailed links.

CREATE TABLE certificates (
  fingerprint  text PRIMARY KEY CHECK (fingerprint ~ '^[0-9A-F]{40}([0-9A-F]{24})?$'),
  version      smallint NOT NULL CHECK (version IN (4, 6)),
  data         bytea NOT NULL,               -- cleaned certificate with all its valid user IDs
  revoked      boolean NOT NULL DEFAULT false,
  expires_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Every primary key and subkey: fingerprint and 64-bit key ID -> the certificate.
CREATE TABLE certificate_keys (
  fingerprint          text PRIMARY KEY,
  key_id               text NOT NULL CHECK (key_id ~ '^[0-9A-F]{16}$'),
  primary_fingerprint  text NOT NULL REFERENCES certificates (fingerprint) ON DELETE CASCADE
);
CREATE INDEX certificate_keys_key_id ON certificate_keys (key_id);
CREATE INDEX certificate_keys_primary ON certificate_keys (primary_fingerprint);

-- One row per address that is or was verified. identity = VRF output of the address
-- (the entry's identity), vrf_proof proves it. fingerprint is the certificate bound now
-- (NULL after removal). The row may be erased after an unbind: versions continue from
-- address_entries, which is keyed by identity, not by address.
CREATE TABLE addresses (
  address      text PRIMARY KEY,
  identity     bytea NOT NULL UNIQUE CHECK (length(identity) = 64),
  vrf_proof    bytea NOT NULL CHECK (length(vrf_proof) = 80),
  fingerprint  text REFERENCES certificates (fingerprint) ON DELETE SET NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_fingerprint ON addresses (fingerprint);

-- Each entry appended to the log for an identity. certificate holds the exact bytes served
-- for the address while bound (they hash to the entry); it may be erased after an unbind.
CREATE TABLE address_entries (
  identity     bytea NOT NULL,
  version      integer NOT NULL CHECK (version >= 1),
  action       text NOT NULL CHECK (action IN ('bind', 'unbind')),
  fingerprint  text,
  entry        bytea NOT NULL CHECK (length(entry) = 102),
  pending_id   bigint NOT NULL UNIQUE,
  log_index    bigint UNIQUE,                 -- filled once integrated (log_batches knows it too)
  certificate  bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (identity, version)
);

-- Returned by an upload, lets the uploader ask for verification mails (VKS request-verify).
CREATE TABLE upload_tokens (
  token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  fingerprint  text NOT NULL REFERENCES certificates (fingerprint) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL
);

-- Mailed links: random token, stored only as its SHA-256, single use, bound to
-- (address, certificate, action).
CREATE TABLE verification_tokens (
  token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  action       text NOT NULL CHECK (action IN ('bind', 'unbind')),
  address      text NOT NULL,
  fingerprint  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX verification_tokens_address ON verification_tokens (address, fingerprint);
CREATE INDEX verification_tokens_expires ON verification_tokens (expires_at);
