// @glasskey/verifier: the client side of glasskey. Pure functions over bytes; depends only
// on @noble/hashes and @noble/curves; runs in browsers and Node.
export * from './errors.ts';
export * from './bytes.ts';
export * from './vrf.ts';
export * from './entry.ts';
