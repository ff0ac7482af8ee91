// Single-use secrets handed to people (upload tokens, mailed links): 128 random bits,
// base64url in URLs, stored only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_BYTES = 16;
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: tokenHash(token) };
}

/** Hash of a token as presented; undefined when it cannot be one of ours (wrong shape). */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(token);
}
