// What the HTTP handlers are given: the database, configuration, keys, mail, the served
// checkpoint and a clock. Built once by server/start.ts (or by tests) and passed to createApp.
import type { Sql } from 'postgres';
import type { Config } from './config.ts';
import type { LogKeys } from '../log/keys.ts';
import type { CheckpointSource } from './served-checkpoint.ts';
import type { Policies } from './ratelimit/index.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** text is an armored OpenPGP message, sent as OpenPGP/MIME (server/mail/pgp-mime.ts). */
  pgpMime?: boolean;
}

export interface Services {
  sql: Sql;
  /** A connection for lookups by address (server/directory/lookup-pool.ts); without it, `sql`. */
  lookupSql?: () => Sql;
  config: Config;
  keys: LogKeys;
  checkpoint: CheckpointSource;
  rates: Policies;
  /** Queues a mail (pg-boss job with retries); resolves once queued. */
  sendMail(mail: OutgoingMail): Promise<void>;
  /** Witness lines for the policy served at /api/v1/policy (empty without witnesses). */
  policyWitnessLines(): string[];
  now(): Date;
  log(message: string, err?: unknown): void;
}
