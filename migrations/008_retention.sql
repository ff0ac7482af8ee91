-- Retention of uploads whose addresses are never verified (server/directory/purge.ts): when
-- each certificate was last uploaded, kept beside it (an upload that changes nothing leaves
-- the certificate's row as it was), and the indexes the purge uses to find old uploads, the
-- live links that keep one, and expired upload tokens.
CREATE TABLE certificate_uploads (
  fingerprint  text PRIMARY KEY REFERENCES certificates (fingerprint) ON DELETE CASCADE,
  uploaded_at  timestamptz NOT NULL
);
CREATE INDEX certificate_uploads_uploaded_at ON certificate_uploads (uploaded_at);
INSERT INTO certificate_uploads (fingerprint, uploaded_at) SELECT fingerprint, updated_at FROM certificates;
CREATE INDEX verification_tokens_fingerprint ON verification_tokens (fingerprint);
CREATE INDEX upload_tokens_expires ON upload_tokens (expires_at);
