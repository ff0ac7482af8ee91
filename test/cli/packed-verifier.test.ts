// @glasskey/verifier as a user gets it: `npm pack` in verifier/ (prepack compiles src/ to
// dist/), the tarball installed into an empty project outside the repository, and from there,
// on plain Node (no tsx, nothing but the declared @noble dependencies), `glasskey-verify
// lookup` and `monitor --once` against a real directory, the library imported by name, its
// type declarations checked by tsc, and its browser entry bundled for a web page.
// Offline-safe: the @noble packages are packed from this repository's node_modules and
// installed beside the tarball with `npm install --offline`.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.ts';
import { bindAddress } from './real-directory.ts';
import type { TestKey } from '../helpers/keys.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

// What a user's shell has: no npm_* variables or NODE_OPTIONS from the `npm test` around us.
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS'));

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), maxBuffer: 16 << 20 });
  return stdout;
}

let work: string;
let project: string;
let tarball: string;
let svc: TestService;
let alice: TestKey;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'glasskey-packed-'));
  const packs = join(work, 'packs');
  await mkdir(packs);
  // each pack into its own directory, so the tarball is the one file there
  const pack = async (dir: string, ...flags: string[]) => {
    const dest = await mkdtemp(join(packs, 'p-'));
    await npm(['pack', ...flags, '--pack-destination', dest], dir);
    const [file] = await readdir(dest);
    return join(dest, file);
  };
  tarball = await pack(join(ROOT, 'verifier'));
  const noble = [await pack(join(ROOT, 'node_modules', '@noble', 'hashes'), '--ignore-scripts'), await pack(join(ROOT, 'node_modules', '@noble', 'curves'), '--ignore-scripts')];
  project = join(work, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-glasskey-verifier', private: true, type: 'module' }));
  await npm(['install', '--offline', '--no-audit', '--no-fund', tarball, ...noble], project);

  svc = await startTestService();
  alice = await bindAddress(svc, 'alice@example.org');
}, 180_000);
afterAll(async () => {
  await svc?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function verify(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // the bin as npm linked it, started by its #! line: plain node from PATH, no loader
  const child = spawn(join(project, 'node_modules', '.bin', 'glasskey-verify'), args, { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('the tarball holds compiled JavaScript and declarations, no sources, and depends only on @noble', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.split('\n').filter(Boolean);
  for (const f of ['package/bin/glasskey-verify.js', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/node/index.js', 'package/dist/node/index.d.ts', 'package/dist/node/cli-main.js'])
    expect(files).toContain(f);
  expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  expect(files.some((f) => f.startsWith('package/src/'))).toBe(false);
  // every source file has its compiled module (the build is generic: all of src/)
  const sources = (await readdir(join(ROOT, 'verifier', 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const s of sources) expect(files).toContain(`package/dist/${s.replace(/\.ts$/, '.js')}`);

  const manifest = JSON.parse(await readFile(join(project, 'node_modules', '@glasskey', 'verifier', 'package.json'), 'utf8'));
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['@noble/curves', '@noble/hashes']);
  expect((await readdir(join(project, 'node_modules'))).filter((d) => !d.startsWith('.')).sort()).toEqual(['@glasskey', '@noble']);
  // nothing to run TypeScript with is reachable from the project
  const req = createRequire(join(project, 'package.json'));
  expect(() => req.resolve('tsx')).toThrow();
  expect(() => req.resolve('typescript')).toThrow();
  expect(existsSync(join(project, 'node_modules', '@glasskey', 'verifier', 'src'))).toBe(false);
});

test('glasskey-verify lookup, from the installed package, verifies a binding on a real directory', async () => {
  const state = join(work, 'state-lookup');
  const r = await verify(['lookup', 'alice@example.org', '--server', svc.url, '--state', state]);
  expect(r.stderr).toContain('TRUST ON FIRST USE');
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/verified alice@example\.org: certificate sha256:[0-9a-f]{64}, key [0-9A-F ]+, entry 0 \(version 1\)/);
  const cert = await openpgp.readKey({ armoredKey: r.stdout });
  expect(cert.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
  const unbound = await verify(['lookup', 'bob@example.org', '--server', svc.url, '--state', state]);
  expect(unbound.code).toBe(1);
  expect(unbound.stderr).toContain('has no certificate bound to bob@example.org');
});

test('glasskey-verify monitor --once, from the installed package: quiet for the expected key, an alert for another', async () => {
  const ok = await verify(['monitor', '--server', svc.url, '--address', 'alice@example.org', '--expect', alice.fingerprint, '--state', join(work, 'state-ok'), '--once']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('seen: alice@example.org bind at index 0 (version 1), expected');
  expect(ok.stdout).toMatch(/^ok: .* verified up to size 1, 1 entries scanned/m);

  const other = 'A'.repeat(40);
  const alert = await verify(['monitor', '--server', svc.url, '--address', 'alice@example.org', '--expect', other, '--state', join(work, 'state-alert'), '--once', '--json']);
  expect(alert.code).toBe(2);
  const lines = alert.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.find((l) => l.type === 'alert')).toMatchObject({ kind: 'unexpected-key', address: 'alice@example.org', index: 0 });
});

test('the library imports by name on plain Node, type-checks from its declarations, and bundles for a browser', async () => {
  await writeFile(
    join(project, 'use.js'),
    `import { parsePolicy, normalizeAddress } from '@glasskey/verifier';\n` +
      `import { jsonFileStorage } from '@glasskey/verifier/node';\n` +
      `const policy = parsePolicy(await (await fetch(process.argv[2] + '/api/v1/policy')).text());\n` +
      `console.log(policy.log.verifier.name, normalizeAddress('Alice@Example.ORG'), typeof jsonFileStorage);\n`,
  );
  const { stdout } = await run(process.execPath, ['use.js', svc.url], { cwd: project, env: cleanEnv() });
  expect(stdout.trim()).toBe(`${svc.config.origin} alice@example.org function`);

  await writeFile(
    join(project, 'use.ts'),
    `import { HeadStore, LogClient, parsePolicy, verifyLookup, type Policy, type VerifiedLookup } from '@glasskey/verifier';\n` +
      `import { jsonFileStorage } from '@glasskey/verifier/node';\n` +
      `export async function check(text: string, address: string): Promise<VerifiedLookup | null> {\n` +
      `  const policy: Policy = parsePolicy(text);\n` +
      `  const client = new LogClient('https://keys.example');\n` +
      `  const response = await client.lookup(address);\n` +
      `  if (response === null) return null;\n` +
      `  return verifyLookup(response, policy, address, undefined, { headStore: new HeadStore(jsonFileStorage('heads.json')), consistencyProof: (a, b) => client.consistencyProof(a, b) });\n` +
      `}\n`,
  );
  const tsconfig = {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2023', 'DOM'], typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
    files: ['use.ts'],
  };
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  await expect(run(tsc, ['-p', project], { cwd: project })).resolves.toBeTruthy();
  // the declarations are really checked: a wrong use is an error
  await writeFile(join(project, 'use.ts'), `import { parsePolicy } from '@glasskey/verifier';\nexport const n: number = parsePolicy('');\n`);
  await expect(run(tsc, ['-p', project], { cwd: project })).rejects.toMatchObject({ stdout: expect.stringContaining("Type 'Policy' is not assignable to type 'number'") });

  // a web page's bundle: the main entry pulls in nothing of Node
  await writeFile(join(project, 'page.js'), `import { verifyLookup, parsePolicy } from '@glasskey/verifier';\nwindow.glasskey = { verifyLookup, parsePolicy };\n`);
  const bundle = await build({ entryPoints: [join(project, 'page.js')], absWorkingDir: project, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const code = bundle.outputFiles[0].text;
  expect(code).toContain('glasskey');
  expect(code).not.toMatch(/from\s*["']node:/);
});
