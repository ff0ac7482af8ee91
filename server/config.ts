// Reads glasskey's configuration from the environment: every option, its default, and a
// typed ConfigError naming the variable when a value is unusable. README.md documents each.
import { resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** External PostgreSQL; undefined means the embedded server in dataDir. */
  databaseUrl?: string;
  publicUrl: string;
  origin: string;
  smtpUrl?: string;
  mailFrom: string;
  wkdDomains: string[];
  logKey?: string;
  logKeyFile?: string;
  vrfKey?: string;
  vrfKeyFile?: string;
  /** Path of the witness list (issue: witnesses); undefined = no witnesses. */
  witnessesFile?: string;
  /** Seconds between re-sending an unchanged checkpoint to witnesses. */
  witnessRefreshSeconds: number;
  trustProxy: boolean;
  /** GLASSKEY_ENCRYPT_VERIFICATION_MAIL=1: verification mails are encrypted to the certificate (PGP/MIME). */
  encryptVerificationMail: boolean;
  /** Days after its last upload that a certificate with no verified address is deleted. */
  unverifiedRetentionDays: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return n;
}

function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** A switch: unset, empty or 0 is off, 1 is on; anything else is an error. */
function flag(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new ConfigError(name, `expected 1 (on) or 0 (off), got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const publicUrlRaw = text(env, 'GLASSKEY_PUBLIC_URL') ?? `http://${hostForUrl}:${port}`;
  let publicUrl: URL;
  try {
    publicUrl = new URL(publicUrlRaw);
  } catch {
    throw new ConfigError('GLASSKEY_PUBLIC_URL', `not a URL: ${JSON.stringify(publicUrlRaw)}`);
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:')
    throw new ConfigError('GLASSKEY_PUBLIC_URL', 'must be an http:// or https:// URL');
  const base = publicUrl.toString().replace(/\/+$/, '');
  const origin = text(env, 'GLASSKEY_ORIGIN') ?? `${publicUrl.host}/log`;
  if (!/^[\x21-\x7e]+$/.test(origin) || origin.includes('+'))
    throw new ConfigError('GLASSKEY_ORIGIN', 'must be printable ASCII without spaces or "+"');
  const databaseUrl = text(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  const smtpUrl = text(env, 'SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  const wkdDomains = (text(env, 'GLASSKEY_WKD_DOMAINS') ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const d of wkdDomains)
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d))
      throw new ConfigError('GLASSKEY_WKD_DOMAINS', `not a domain name: ${JSON.stringify(d)}`);
  return {
    port,
    host,
    dataDir: resolve(text(env, 'GLASSKEY_DATA_DIR') ?? '.glasskey'),
    databaseUrl,
    publicUrl: base,
    origin,
    smtpUrl,
    mailFrom: text(env, 'GLASSKEY_MAIL_FROM') ?? `glasskey <noreply@${publicUrl.hostname.includes('.') ? publicUrl.hostname : 'localhost.localdomain'}>`,
    wkdDomains,
    logKey: text(env, 'GLASSKEY_LOG_KEY'),
    logKeyFile: text(env, 'GLASSKEY_LOG_KEY_FILE'),
    vrfKey: text(env, 'GLASSKEY_VRF_KEY'),
    vrfKeyFile: text(env, 'GLASSKEY_VRF_KEY_FILE'),
    witnessesFile: text(env, 'GLASSKEY_WITNESSES_FILE'),
    witnessRefreshSeconds: int(env, 'GLASSKEY_WITNESS_REFRESH_SECONDS', 300, 1, 86400),
    trustProxy: text(env, 'GLASSKEY_TRUST_PROXY') === '1',
    encryptVerificationMail: flag(env, 'GLASSKEY_ENCRYPT_VERIFICATION_MAIL'),
    unverifiedRetentionDays: int(env, 'GLASSKEY_UNVERIFIED_RETENTION_DAYS', 14, 1, 3650),
  };
}
