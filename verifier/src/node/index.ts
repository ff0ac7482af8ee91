// @glasskey/verifier/node: the Node-only parts of the verifier: a JSON file store for heads
// and monitor state, keep-alive HTTP, node:crypto SHA-256, the checkpoint server a monitor
// gossips with, and the glasskey-verify CLI. The browser entry (../index.ts) imports none of it.
export * from './file-storage.ts';
export * from './node-http.ts';
export * from './node-sha256.ts';
export * from './worker-bundle-hasher.ts';
export * from './state-dir.ts';
export * from './policy-change.ts';
export * from './checkpoint-server.ts';
export * from './cli-args.ts';
export type * from './cli-io.ts';
export { main, runCli, USAGE } from './cli.ts';
export { lookupCommand } from './cli-lookup.ts';
export { monitorCommand, parseWatch } from './cli-monitor.ts';
