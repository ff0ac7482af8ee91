// The SHA-256 function bulk hashing code (monitor scans, tile proofs) runs on. Defaults to
// @noble/hashes, which runs anywhere; Node callers can pass node:crypto's (about twice as fast
// on 100-byte inputs, see verifier/src/node/node-sha256.ts).
import { sha256 } from '@noble/hashes/sha2.js';

export type Sha256Function = (data: Uint8Array) => Uint8Array;

export const nobleSha256: Sha256Function = (data) => sha256(data);
