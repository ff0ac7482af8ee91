// Drives the real OpenPGP clients the interop tests talk to the server with: gpg (GnuPG 2.2,
// whose dirmngr does the HKP requests) and sq (Sequoia 0.27). Each gpg home is a fresh
// temporary GNUPGHOME whose agent and dirmngr are killed (gpgconf --kill all) when it is
// closed. Nothing here reaches beyond 127.0.0.1.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The full path of an executable found on PATH, or null. */
export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** gpg-wks-client is not on PATH in Debian; it lives in gpgconf's libexecdir. */
export async function findGpgWksClient(): Promise<string | null> {
  const onPath = findExecutable('gpg-wks-client');
  if (onPath) return onPath;
  const gpgconf = findExecutable('gpgconf');
  if (!gpgconf) return null;
  const dirs = await run(gpgconf, ['--list-dirs', 'libexecdir']);
  const p = join(dirs.stdout.trim(), 'gpg-wks-client');
  return existsSync(p) ? p : null;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes (for binary output). */
  raw: Buffer;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string | Uint8Array;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a program (no shell) and collects its output; never throws for a nonzero exit. */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')}: no exit after ${timeoutMs} ms\n${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
    child.stdin.on('error', () => {}); // the program may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Throws with the program's output unless it exited 0. */
export function expectSuccess(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

// A short base directory: gpg-agent's and dirmngr's sockets live in the home when there is no
// /run/user/<uid>, and a Unix socket path may not exceed 107 bytes.
function shortTmp(): string {
  return existsSync('/tmp') ? '/tmp' : tmpdir();
}

/** One GnuPG home directory with its own gpg-agent and dirmngr. */
export class GnuPGHome {
  private constructor(
    readonly gpg: string,
    readonly dir: string,
  ) {}

  static create(gpg: string): GnuPGHome {
    const dir = mkdtempSync(join(shortTmp(), 'gk-gpg-'));
    // No Tor probing; everything the tests ask dirmngr for is on 127.0.0.1.
    writeFileSync(join(dir, 'dirmngr.conf'), 'no-use-tor\n', { mode: 0o600 });
    return new GnuPGHome(gpg, dir);
  }

  /** gpg --batch --no-tty with this home; the exit status is the caller's to check. */
  run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(this.gpg, ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      ...opts,
      env: { GNUPGHOME: this.dir, ...opts.env },
    });
  }

  /** gpg with the given arguments; throws unless it exits 0. */
  async ok(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return expectSuccess(await this.run(args, opts), `gpg ${args.join(' ')}`);
  }

  /** The --with-colons listing of the public keys (with signatures when sigs is set). */
  async listColons(sigs = false, ...names: string[]): Promise<ColonRecord[]> {
    const r = await this.ok(['--with-colons', '--fixed-list-mode', sigs ? '--list-sigs' : '--list-keys', ...names]);
    return parseColons(r.stdout);
  }

  async close(): Promise<void> {
    const gpgconf = findExecutable('gpgconf');
    if (gpgconf) {
      await run(gpgconf, ['--kill', 'all'], { env: { GNUPGHOME: this.dir } }).catch(() => undefined);
      // gpg puts the sockets under /run/user/<uid> when that exists: remove that directory too.
      await run(gpgconf, ['--remove-socketdir'], { env: { GNUPGHOME: this.dir } }).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One line of gpg's --with-colons output, split on ':' (field 1 is the record type). */
export type ColonRecord = string[];

export function parseColons(text: string): ColonRecord[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split(':'));
}

/** gpg escapes ':' and control characters in colon listings as \xNN. */
export function unescapeColonField(field: string): string {
  return field.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export interface ListedKey {
  fingerprint: string;
  keyId: string;
  algorithm: number;
  userIds: string[];
  subkeys: { fingerprint: string; algorithm: number; usage: string }[];
  /** Every signature: issuer key ID, class (e.g. "13x"), and the user ID or subkey it follows. */
  signatures: { issuer: string; cls: string; on: string }[];
}

/** Groups a --with-colons --list-keys/--list-sigs listing into keys. */
export function listedKeys(records: ColonRecord[]): ListedKey[] {
  const keys: ListedKey[] = [];
  let cur: ListedKey | undefined;
  let last: 'pub' | 'sub' | 'uid' | undefined;
  let on = '';
  for (const f of records) {
    switch (f[0]) {
      case 'pub':
        cur = { fingerprint: '', keyId: f[4], algorithm: Number(f[3]), userIds: [], subkeys: [], signatures: [] };
        keys.push(cur);
        last = 'pub';
        on = 'primary';
        break;
      case 'fpr':
        if (cur && last === 'pub' && cur.fingerprint === '') cur.fingerprint = f[9];
        else if (cur && last === 'sub') cur.subkeys[cur.subkeys.length - 1].fingerprint = f[9];
        break;
      case 'uid':
        if (!cur) break;
        on = unescapeColonField(f[9]);
        cur.userIds.push(on);
        last = 'uid';
        break;
      case 'sub':
        if (!cur) break;
        cur.subkeys.push({ fingerprint: '', algorithm: Number(f[3]), usage: f[11] });
        last = 'sub';
        on = `sub ${f[4]}`;
        break;
      case 'sig':
      case 'rev':
        if (cur) cur.signatures.push({ issuer: f[4], cls: f[10], on });
        break;
    }
  }
  return keys;
}

export interface IndexedKey {
  fingerprint: string;
  algorithm: number;
  userIds: string[];
}

/**
 * The key listing `gpg --with-colons --search-keys` prints: gpg re-emits the HKP
 * machine-readable index it parsed (info:, pub:<fpr or key ID>:<algo>:..., uid:<%-escaped>:...).
 */
export function parseSearchListing(text: string): IndexedKey[] {
  const keys: IndexedKey[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') keys.push({ fingerprint: f[1].toUpperCase(), algorithm: Number(f[2]), userIds: [] });
    else if (f[0] === 'uid' && keys.length > 0) keys[keys.length - 1].userIds.push(decodeURIComponent(f[1]));
  }
  return keys;
}

/** sq prints "WARNING: sq does not have a stable CLI interface" on stderr; that is not an error. */
export function sqStderr(r: RunResult): string {
  return r.stderr
    .split('\n')
    .filter((l) => !/does not have a stable CLI interface/.test(l) && l.trim() !== '')
    .join('\n');
}

export interface InspectedCert {
  fingerprint: string;
  subkeys: string[];
  userIds: string[];
  /** "Alleged certifier" lines (printed with --certifications): third-party certifications. */
  certifiers: string[];
}

/** Parses `sq inspect [--certifications]` output for one or more certificates. */
export function parseSqInspect(text: string): InspectedCert[] {
  const certs: InspectedCert[] = [];
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*Fingerprint: ([0-9A-F]+)\s*$/.exec(line))) certs.push({ fingerprint: m[1], subkeys: [], userIds: [], certifiers: [] });
    else if (certs.length === 0) continue;
    else if ((m = /^\s*Subkey: ([0-9A-F]+)\s*$/.exec(line))) certs[certs.length - 1].subkeys.push(m[1]);
    else if ((m = /^\s*UserID: (.*)$/.exec(line))) certs[certs.length - 1].userIds.push(m[1].trim());
    else if ((m = /Alleged certifier: ([0-9A-F]+)/.exec(line))) certs[certs.length - 1].certifiers.push(m[1]);
  }
  return certs;
}
