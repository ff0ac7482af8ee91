#!/usr/bin/env node
// glasskey-verify launcher. The published package (npm pack) carries the compiled JavaScript
// in dist/ and no sources: there this runs dist/node/cli-main.js on plain Node, with nothing
// but @noble/hashes and @noble/curves. In the glasskey repository (src/ beside this file, no
// build) it runs the TypeScript sources through tsx, a dependency of the repository.
import { existsSync } from 'node:fs';

const source = new URL('../src/node/cli-main.ts', import.meta.url);
if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('glasskey-verify: this is a source checkout, which needs tsx (npm ci at the repository root)\n');
    process.exit(1);
  }
  register();
  await import(source.href);
} else {
  await import('../dist/node/cli-main.js');
}
