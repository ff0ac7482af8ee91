// The witness's configuration: environment parsing with errors naming the variable, and its
// key from WITNESS_KEY / WITNESS_KEY_FILE / the data directory, created on first start.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigner } from '../../log/note-signer.ts';
import { loadWitnessConfig } from '../../server/witness/config.ts';
import { WitnessConfigError } from '../../server/witness/errors.ts';
import { loadOrCreateWitnessKey } from '../../server/witness/witness-key.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'glasskey-wcfg-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('loadWitnessConfig', () => {
  it('has defaults: 127.0.0.1:8081, embedded database, logs file in the data dir', () => {
    const c = loadWitnessConfig({ WITNESS_DATA_DIR: '/srv/w' });
    expect(c).toMatchObject({ port: 8081, host: '127.0.0.1', dataDir: '/srv/w', logsFile: '/srv/w/logs' });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.name).toBeUndefined();
    expect(c.defaultName).toMatch(/\/witness$/);
  });

  it('reads every variable', () => {
    const c = loadWitnessConfig({
      WITNESS_PORT: '9000',
      WITNESS_HOST: '0.0.0.0',
      WITNESS_DATA_DIR: '/d',
      WITNESS_DATABASE_URL: 'postgres://u@h/db',
      WITNESS_LOGS_FILE: '/etc/w/logs',
      WITNESS_NAME: 'w.example/1',
      WITNESS_KEY: 'PRIVATE+KEY+x',
      WITNESS_KEY_FILE: '/etc/w/key',
    });
    expect(c).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/d',
      databaseUrl: 'postgres://u@h/db',
      logsFile: '/etc/w/logs',
      name: 'w.example/1',
      defaultName: c.defaultName,
      key: 'PRIVATE+KEY+x',
      keyFile: '/etc/w/key',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadWitnessConfig({ WITNESS_PORT: 'eighty' })).toThrow(/^WITNESS_PORT: /);
    expect(() => loadWitnessConfig({ WITNESS_PORT: '70000' })).toThrow(WitnessConfigError);
    expect(() => loadWitnessConfig({ WITNESS_DATABASE_URL: 'mysql://x' })).toThrow(/^WITNESS_DATABASE_URL: /);
  });
});

describe('loadOrCreateWitnessKey', () => {
  it('creates a type 0x04 key in the data dir (mode 0600) on first start and reuses it', () => {
    const dataDir = tmp();
    const first = loadOrCreateWitnessKey({ dataDir, name: 'w.test/a', defaultName: 'unused' });
    expect(first.source).toMatch(/witness\.key \(created\)$/);
    expect(first.signer.type).toBe(0x04);
    expect(first.signer.name).toBe('w.test/a');
    expect(statSync(join(dataDir, 'witness.key')).mode & 0o777).toBe(0o600);
    const again = loadOrCreateWitnessKey({ dataDir, defaultName: 'other' });
    expect(again.signer.vkey).toBe(first.signer.vkey);
  });

  it('uses the default name when WITNESS_NAME is unset', () => {
    expect(loadOrCreateWitnessKey({ dataDir: tmp(), defaultName: 'host/witness' }).signer.name).toBe('host/witness');
  });

  it('prefers WITNESS_KEY, then WITNESS_KEY_FILE, over the data dir', () => {
    const dataDir = tmp();
    const inDir = loadOrCreateWitnessKey({ dataDir, defaultName: 'd/w' }).signer;
    const env = generateSigner('env/w', 0x04);
    const file = generateSigner('file/w', 0x04);
    const keyFile = join(tmp(), 'k');
    writeFileSync(keyFile, file.privateKey + '\n');
    expect(loadOrCreateWitnessKey({ dataDir, defaultName: 'x', key: env.privateKey, keyFile }).signer.vkey).toBe(env.vkey);
    expect(loadOrCreateWitnessKey({ dataDir, defaultName: 'x', keyFile }).signer.vkey).toBe(file.vkey);
    expect(loadOrCreateWitnessKey({ dataDir, defaultName: 'x' }).signer.vkey).toBe(inDir.vkey);
    expect(readFileSync(join(dataDir, 'witness.key'), 'utf8').trim()).toBe(inDir.privateKey);
  });

  it('refuses a log key (type 0x01), a malformed key, an unreadable file and a name mismatch', () => {
    const dataDir = tmp();
    expect(() => loadOrCreateWitnessKey({ dataDir, defaultName: 'x', key: generateSigner('l/og').privateKey })).toThrow(/type 0x04/);
    expect(() => loadOrCreateWitnessKey({ dataDir, defaultName: 'x', key: 'PRIVATE+KEY+nope' })).toThrow(/^\$WITNESS_KEY: /);
    expect(() => loadOrCreateWitnessKey({ dataDir, defaultName: 'x', keyFile: join(dataDir, 'missing') })).toThrow(/^WITNESS_KEY_FILE: cannot read/);
    const k = generateSigner('a/w', 0x04).privateKey;
    expect(() => loadOrCreateWitnessKey({ dataDir, defaultName: 'x', name: 'b/w', key: k })).toThrow(/WITNESS_NAME is "b\/w"/);
  });
});
