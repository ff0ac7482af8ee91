// The named rate-limit policies of glasskey, their defaults, and overrides from config or
// the environment (GLASSKEY_RATE_* = "<count>/<window>", window in s, m, h or d: "20/1h").
import type { Sql } from 'postgres';
import { ConfigError } from '../config.ts';
import { checkLimit, hit, type HitResult, type Limit } from './hit.ts';

export interface Policy extends Limit {
  /** Prefix of the keys this policy counts under; distinct per policy. */
  readonly name: string;
}

/** Verification mails to one address: 1 per 10 minutes. */
export const VERIFY_MAIL_PER_ADDRESS: Policy = Object.freeze({ name: 'verify-mail-address', limit: 1, windowSeconds: 600 });
/** Verification mails requested from one IP (IPv6: one /64): 20 per hour. */
export const VERIFY_MAIL_PER_IP: Policy = Object.freeze({ name: 'verify-mail-ip', limit: 20, windowSeconds: 3600 });
/** Uploads from one IP (IPv6: one /64): 10 per minute. */
export const UPLOAD_PER_IP: Policy = Object.freeze({ name: 'upload-ip', limit: 10, windowSeconds: 60 });

export const DEFAULT_POLICIES = Object.freeze({
  verifyMailPerAddress: VERIFY_MAIL_PER_ADDRESS,
  verifyMailPerIp: VERIFY_MAIL_PER_IP,
  uploadPerIp: UPLOAD_PER_IP,
});

export type PolicyName = keyof typeof DEFAULT_POLICIES;
export type Policies = Readonly<Record<PolicyName, Policy>>;
export type PolicyOverrides = Partial<Record<PolicyName, Partial<Limit>>>;

export const POLICY_ENV: Readonly<Record<PolicyName, string>> = Object.freeze({
  verifyMailPerAddress: 'GLASSKEY_RATE_VERIFY_MAIL_PER_ADDRESS',
  verifyMailPerIp: 'GLASSKEY_RATE_VERIFY_MAIL_PER_IP',
  uploadPerIp: 'GLASSKEY_RATE_UPLOAD_PER_IP',
});

/** The default policies with some limits or windows replaced; each result is checked. */
export function ratePolicies(overrides: PolicyOverrides = {}): Policies {
  const out = {} as Record<PolicyName, Policy>;
  for (const name of Object.keys(DEFAULT_POLICIES) as PolicyName[]) {
    const p = Object.freeze({ ...DEFAULT_POLICIES[name], ...overrides[name] });
    checkLimit(p);
    out[name] = p;
  }
  return Object.freeze(out);
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Parses "<count>/<window>" such as "1/600", "1/10m", "20/1h". */
export function parseLimit(variable: string, raw: string): Limit {
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(raw);
  if (!m) throw new ConfigError(variable, `expected "<count>/<window>" such as "20/1h", got ${JSON.stringify(raw)}`);
  const limit = { limit: Number(m[1]), windowSeconds: Number(m[2]) * UNIT_SECONDS[m[3]] };
  try {
    checkLimit(limit);
  } catch (err) {
    throw new ConfigError(variable, (err as Error).message);
  }
  return limit;
}

/** The policies, with any GLASSKEY_RATE_* variables applied. */
export function ratePoliciesFromEnv(env: Record<string, string | undefined> = process.env): Policies {
  const overrides: PolicyOverrides = {};
  for (const name of Object.keys(POLICY_ENV) as PolicyName[]) {
    const raw = env[POLICY_ENV[name]];
    if (raw !== undefined && raw !== '') overrides[name] = parseLimit(POLICY_ENV[name], raw);
  }
  return ratePolicies(overrides);
}

/** Counts one hit of `policy` for `subject` (a normalized address, or ipSubject(ip)). */
export function hitPolicy(sql: Sql, policy: Policy, subject: string, opts: { now?: Date } = {}): Promise<HitResult> {
  return hit(sql, `${policy.name}:${subject}`, { limit: policy.limit, windowSeconds: policy.windowSeconds, now: opts.now });
}
