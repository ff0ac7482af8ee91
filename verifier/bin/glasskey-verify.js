#!/usr/bin/env node
// glasskey-verify launcher. @glasskey/verifier ships TypeScript sources (src/*.ts, relative
// imports ending in .ts) and no build step, so this file registers tsx's ESM loader and then
// runs src/node/cli.ts. From the glasskey repository tsx is already there (a dependency of the
// root package); installed elsewhere, the package needs tsx next to it (`npm install tsx`).
// Nothing else is needed: the CLI uses only the verifier's own code, @noble/* and Node.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('glasskey-verify: needs the tsx package to run the TypeScript sources (npm install tsx)\n');
  process.exit(1);
}
register();
const { runCli } = await import('../src/node/cli.ts');
const code = await runCli();
process.exitCode = code;
// Leave when the work is done even if some handle lingers (keep-alive sockets, timers).
setTimeout(() => process.exit(code), 1000).unref();
