// @glasskey/verifier: the client side of glasskey. Pure functions over bytes; depends only
// on @noble/hashes and @noble/curves; runs in browsers and Node.
export * from './errors.ts';
export * from './bytes.ts';
export * from './vrf.ts';
export * from './entry.ts';
export * from './address.ts';
export * from './address-alpha.ts';
export * from './merkle.ts';
export * from './tile-path.ts';
export * from './tlog-proof.ts';
export * from './note-key.ts';
export * from './cosignature.ts';
export * from './vkey.ts';
export * from './note.ts';
export * from './checkpoint.ts';
export * from './policy.ts';
export * from './open-checkpoint.ts';
export * from './crc24.ts';
export * from './armor.ts';
export * from './lookup.ts';
