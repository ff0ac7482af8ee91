// Named policies, their overrides (config and environment), per-IP subjects, and pruning.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ConfigError } from '../../server/config.ts';
import {
  DEFAULT_POLICIES,
  RateLimitArgumentError,
  UPLOAD_PER_IP,
  VERIFY_MAIL_PER_ADDRESS,
  VERIFY_MAIL_PER_IP,
  hitPolicy,
  ipSubject,
  parseLimit,
  pruneRateLimits,
  ratePolicies,
  startRateLimitPruner,
  ratePoliciesFromEnv,
} from '../../server/ratelimit/index.ts';
import { hit } from '../../server/ratelimit/hit.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

const T0 = new Date('2031-06-01T00:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('policies', () => {
  test('the defaults are the documented ones', () => {
    expect(VERIFY_MAIL_PER_ADDRESS).toMatchObject({ limit: 1, windowSeconds: 600 });
    expect(VERIFY_MAIL_PER_IP).toMatchObject({ limit: 20, windowSeconds: 3600 });
    expect(UPLOAD_PER_IP).toMatchObject({ limit: 10, windowSeconds: 60 });
    expect(new Set(Object.values(DEFAULT_POLICIES).map((p) => p.name)).size).toBe(3);
    expect(Object.isFrozen(VERIFY_MAIL_PER_ADDRESS)).toBe(true);
  });

  test('one verification mail per address per 10 minutes', async () => {
    const addr = `alice-${Math.random()}@example.org`;
    expect((await hitPolicy(db.sql, VERIFY_MAIL_PER_ADDRESS, addr, { now: at(0) })).allowed).toBe(true);
    expect(await hitPolicy(db.sql, VERIFY_MAIL_PER_ADDRESS, addr, { now: at(60) })).toMatchObject({ allowed: false, retryAfter: 540 });
    // The same subject under another policy is a different counter.
    expect((await hitPolicy(db.sql, VERIFY_MAIL_PER_IP, addr, { now: at(60) })).allowed).toBe(true);
    expect((await hitPolicy(db.sql, VERIFY_MAIL_PER_ADDRESS, addr, { now: at(600) })).allowed).toBe(true);
  });

  test('20 verification mails per IP per hour, 10 uploads per IP per minute', async () => {
    const ip = ipSubject('198.51.100.' + Math.floor(Math.random() * 250));
    const mails = [];
    for (let i = 0; i < 21; i++) mails.push(await hitPolicy(db.sql, VERIFY_MAIL_PER_IP, ip, { now: at(i) }));
    expect(mails.filter((r) => r.allowed)).toHaveLength(20);
    expect(mails[20]).toMatchObject({ allowed: false, retryAfter: 3600 - 20 });
    const uploads = [];
    for (let i = 0; i < 11; i++) uploads.push(await hitPolicy(db.sql, UPLOAD_PER_IP, ip, { now: at(i) }));
    expect(uploads.filter((r) => r.allowed)).toHaveLength(10);
    expect(uploads[10]).toMatchObject({ allowed: false, retryAfter: 50 });
  });

  test('overrides replace limits and are checked', async () => {
    const p = ratePolicies({ uploadPerIp: { limit: 2 }, verifyMailPerAddress: { windowSeconds: 5 } });
    expect(p.uploadPerIp).toMatchObject({ name: UPLOAD_PER_IP.name, limit: 2, windowSeconds: 60 });
    expect(p.verifyMailPerAddress).toMatchObject({ limit: 1, windowSeconds: 5 });
    expect(p.verifyMailPerIp).toEqual(VERIFY_MAIL_PER_IP);
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const r = [];
    for (let i = 0; i < 3; i++) r.push((await hitPolicy(db.sql, p.uploadPerIp, ip, { now: at(i) })).allowed);
    expect(r).toEqual([true, true, false]);
    expect(() => ratePolicies({ uploadPerIp: { limit: -1 } })).toThrow(RateLimitArgumentError);
  });

  test('environment overrides: "<count>/<window>" with an optional unit', () => {
    expect(parseLimit('X', '1/600')).toEqual({ limit: 1, windowSeconds: 600 });
    expect(parseLimit('X', '20/1h')).toEqual({ limit: 20, windowSeconds: 3600 });
    expect(parseLimit('X', ' 3 / 10m ')).toEqual({ limit: 3, windowSeconds: 600 });
    expect(parseLimit('X', '5/2d')).toEqual({ limit: 5, windowSeconds: 172800 });
    const p = ratePoliciesFromEnv({ GLASSKEY_RATE_UPLOAD_PER_IP: '100/30s', GLASSKEY_RATE_VERIFY_MAIL_PER_IP: '' });
    expect(p.uploadPerIp).toMatchObject({ limit: 100, windowSeconds: 30 });
    expect(p.verifyMailPerIp).toEqual(VERIFY_MAIL_PER_IP);
    for (const bad of ['10', 'ten/60', '0/60', '1/0', '1/60x', '-1/60', '1/60/60']) {
      const err = (() => {
        try {
          ratePoliciesFromEnv({ GLASSKEY_RATE_VERIFY_MAIL_PER_ADDRESS: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('GLASSKEY_RATE_VERIFY_MAIL_PER_ADDRESS');
    }
  });
});

describe('ipSubject', () => {
  test.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:c000:0207', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['[2001:db8:a::1]', '2001:db8:a:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4::/64'],
  ])('%s counts as %s', (ip, subject) => {
    expect(ipSubject(ip)).toBe(subject);
  });

  test('two hosts of one /64 share a counter; another /64 does not', async () => {
    const lim = { limit: 1, windowSeconds: 60, now: at(0) };
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    expect((await hit(db.sql, `ip:${ipSubject(`${prefix}::a`)}`, lim)).allowed).toBe(true);
    expect((await hit(db.sql, `ip:${ipSubject(`${prefix}:ffff:ffff:ffff:ffff`)}`, lim)).allowed).toBe(false);
    expect((await hit(db.sql, `ip:${ipSubject(`${prefix.slice(0, -1)}2::a`)}`, lim)).allowed).toBe(true);
  });

  test.each(['', 'localhost', '1.2.3', '1.2.3.256', '::g', '2001:db8::1::2'])('refuses %j', (ip) => {
    expect(() => ipSubject(ip)).toThrow(RateLimitArgumentError);
  });
});

describe('pruning', () => {
  test('deletes ended windows in batches and keeps current ones', async () => {
    const prune = await freshDatabase();
    try {
      for (let i = 0; i < 25; i++) await hit(prune.sql, `old-${i}`, { limit: 1, windowSeconds: 10, now: at(0) });
      for (let i = 0; i < 5; i++) await hit(prune.sql, `live-${i}`, { limit: 1, windowSeconds: 1000, now: at(0) });
      expect(await pruneRateLimits(prune.sql, { now: at(9) })).toBe(0);
      expect(await pruneRateLimits(prune.sql, { now: at(10), batchSize: 7 })).toBe(25);
      const [{ count }] = await prune.sql`SELECT count(*)::int AS count FROM rate_limits`;
      expect(count).toBe(5);
      // A pruned key starts afresh.
      expect((await hit(prune.sql, 'old-1', { limit: 1, windowSeconds: 10, now: at(11) })).allowed).toBe(true);
      // maxBatches bounds the work of one call.
      for (let i = 0; i < 30; i++) await hit(prune.sql, `more-${i}`, { limit: 1, windowSeconds: 10, now: at(0) });
      expect(await pruneRateLimits(prune.sql, { now: at(100), batchSize: 10, maxBatches: 2 })).toBe(20);
    } finally {
      await prune.close();
    }
  });

  test('pruning while keys are being hit never loses a live count', async () => {
    const key = `busy-${Math.random()}`;
    const sqls = [db.connect(10), db.connect(10)];
    const hits = Promise.all(Array.from({ length: 100 }, (_, i) => hit(sqls[i % 2], key, { limit: 50, windowSeconds: 3600 })));
    const prunes = Promise.all(Array.from({ length: 10 }, () => pruneRateLimits(db.sql)));
    const [results] = await Promise.all([hits, prunes]);
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    await Promise.all(sqls.map((s) => s.end()));
  });

  test('the pruner timer removes ended windows on its own and stops cleanly', async () => {
    const own = await freshDatabase();
    try {
      const past = new Date(Date.now() - 3600_000);
      for (let i = 0; i < 10; i++) await hit(own.sql, `gone-${i}`, { limit: 1, windowSeconds: 60, now: past });
      await hit(own.sql, 'current', { limit: 1, windowSeconds: 3600 });
      const errors: unknown[] = [];
      const pruner = startRateLimitPruner(own.sql, { intervalSeconds: 0.1, onError: (e) => errors.push(e) });
      const count = async () => (await own.sql`SELECT count(*)::int AS n FROM rate_limits`)[0].n;
      const end = Date.now() + 5000;
      while ((await count()) !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      await pruner.stop();
      expect(await count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
