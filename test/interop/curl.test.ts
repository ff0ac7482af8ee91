// The curl commands README.md shows ("Clients we test with"), run as written by the real curl
// against the running server: the README's block is read here, https://keys.example becomes
// the server's URL and TOKEN the token of the link just mailed. Upload over HKP, confirm,
// look up with the proof (which verifies), the plain key, Mailvelope's API, removal.
//
// Skipped, with that reason, only when curl is not installed (CI installs it in .ci/run; with
// CI set in the environment a missing curl fails instead).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy, verifyLookup } from '@glasskey/verifier';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ratePolicies } from '../../server/ratelimit/index.ts';
import { makeKey, type TestKey } from '../helpers/keys.ts';
import { startTestService, type TestService } from '../helpers/service.ts';
import { expectSuccess, findExecutable, run } from './clients.ts';

const CURL = findExecutable('curl');
const BASH = findExecutable('bash');
const missing = CURL && BASH ? null : 'curl (or bash) is not installed (not found on PATH); .ci/run installs it (Debian package curl)';
if (missing) console.warn(`test/interop/curl.test.ts skipped: ${missing}`);

test.runIf(missing !== null && !!process.env.CI)('curl must be installed in CI', () => {
  throw new Error(missing ?? '');
});

/** The curl lines of the README block that follows the curl.test.ts marker. */
function readmeCurlLines(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf('<!-- test/interop/curl.test.ts runs');
  if (at < 0) throw new Error('README.md has no curl block marked for test/interop/curl.test.ts');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error('no ```sh block after the marker');
  return block[1].split('\n').filter((l) => l.startsWith('curl '));
}

describe.skipIf(missing !== null)(missing ? `curl (skipped: ${missing})` : 'the README curl commands', () => {
  let svc: TestService;
  let dir: string;
  let alice: TestKey;
  let lines: string[];

  /** Runs the README line that contains `needle`, with the server URL and token put in. */
  async function curl(needle: string, token = ''): Promise<string> {
    const line = lines.find((l) => l.includes(needle));
    if (!line) throw new Error(`no README curl line with ${needle}`);
    // Quiet, and failing on an HTTP error (the options go first: the line ends in a comment).
    const command = line.replaceAll('https://keys.example', svc.url).replaceAll('TOKEN', token).replace(/^curl /, 'curl --silent --show-error --fail-with-body ');
    return expectSuccess(await run(BASH!, ['-c', command], { cwd: dir }), command).stdout;
  }

  const tokenOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);

  beforeAll(async () => {
    lines = readmeCurlLines();
    svc = await startTestService({}, { rates: ratePolicies({ verifyMailPerAddress: { limit: 5 } }) });
    dir = mkdtempSync(join(tmpdir(), 'glasskey-curl-'));
    alice = await makeKey([{ name: 'Alice', email: 'alice@example.org' }]);
    writeFileSync(join(dir, 'alice.asc'), alice.armored);
  });
  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the README shows six commands, each of which is run below', () => {
    expect(lines).toHaveLength(6);
  });

  test('upload over HKP: the answer says a link was mailed; confirming it binds the address', async () => {
    expect(await curl('/pks/add')).toBe(`${alice.fingerprint}: verification link mailed: alice@example.org\n`);
    const done = JSON.parse(await curl('/verify/TOKEN', tokenOf(await svc.linkFor('alice@example.org'))));
    expect(done).toMatchObject({ action: 'bind', address: 'alice@example.org', fingerprint: alice.fingerprint });
  });

  test('lookups: the JSON proof verifies, the plain key and Mailvelope\'s object carry the same key', async () => {
    const policy = parsePolicy(await (await fetch(`${svc.url}/api/v1/policy`)).text());
    const lookup = JSON.parse(await curl('/api/v1/lookup'));
    expect(verifyLookup(lookup, policy, 'alice@example.org').index).toBeGreaterThanOrEqual(0);
    const plain = await curl('/vks/v1/by-email/');
    expect((await openpgp.readKey({ armoredKey: plain })).getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    const mv = JSON.parse(await curl("/api/v1/key?email="));
    expect(mv.fingerprint).toBe(alice.fingerprint.toLowerCase());
    expect(mv.publicKeyArmored).toBe(plain);
  });

  test('removal: DELETE mails a link; the same confirm command unbinds', async () => {
    const seen = svc.mailsTo('alice@example.org').length;
    expect(JSON.parse(await curl('-X DELETE'))).toHaveProperty('message');
    const done = JSON.parse(await curl('/verify/TOKEN', tokenOf(await svc.linkFor('alice@example.org', seen))));
    expect(done).toMatchObject({ action: 'unbind', address: 'alice@example.org' });
    expect((await fetch(`${svc.url}/vks/v1/by-email/alice%40example.org`)).status).toBe(404);
  });
});
