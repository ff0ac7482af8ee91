// The witness's configuration from the environment (server/witness/README.md documents each
// variable): port and host, data directory, database, logs file, key name and key. Values
// that cannot work are a WitnessConfigError naming the variable.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { WitnessConfigError } from './errors.ts';

export interface WitnessConfig {
  port: number;
  host: string;
  dataDir: string;
  /** External PostgreSQL; undefined means an embedded server in dataDir. */
  databaseUrl?: string;
  logsFile: string;
  /** WITNESS_NAME, if set: the key name (checked against a given key). */
  name?: string;
  /** The name of a newly created key when WITNESS_NAME is unset. */
  defaultName: string;
  key?: string;
  keyFile?: string;
}

type Env = Record<string, string | undefined>;

const text = (env: Env, name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);

export const DEFAULT_WITNESS_PORT = 8081;

export function loadWitnessConfig(env: Env = process.env): WitnessConfig {
  const portText = text(env, 'WITNESS_PORT');
  let port = DEFAULT_WITNESS_PORT;
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535)
      throw new WitnessConfigError('WITNESS_PORT', `expected a port number 0..65535, got ${JSON.stringify(portText)}`);
    port = Number(portText);
  }
  const databaseUrl = text(env, 'WITNESS_DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new WitnessConfigError('WITNESS_DATABASE_URL', 'must start with postgres:// or postgresql://');
  const dataDir = resolve(text(env, 'WITNESS_DATA_DIR') ?? '.glasskey-witness');
  const name = text(env, 'WITNESS_NAME');
  const config: WitnessConfig = {
    port,
    host: text(env, 'WITNESS_HOST') ?? '127.0.0.1',
    dataDir,
    logsFile: resolve(text(env, 'WITNESS_LOGS_FILE') ?? join(dataDir, 'logs')),
    defaultName: `${hostname().toLowerCase()}/witness`,
  };
  if (databaseUrl) config.databaseUrl = databaseUrl;
  if (name) config.name = name;
  const key = text(env, 'WITNESS_KEY');
  const keyFile = text(env, 'WITNESS_KEY_FILE');
  if (key) config.key = key;
  if (keyFile) config.keyFile = resolve(keyFile);
  return config;
}
