// Sealed mail jobs: the stored payload reveals nothing, opens only with its key, and any
// change to it is detected.
import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { open, seal } from '../../server/mail/seal.ts';
import { decodeMailJob, encodeMailJob } from '../../server/mail/mail-job.ts';
import { MailContentError, MailSealError } from '../../server/mail/errors.ts';

const key = randomBytes(32);
const mail = { to: 'alice@example.org', subject: 'Confirm', text: 'https://keys.example.org/verify/SECRETTOKEN\n' };

test('round trip; the sealed form shows neither the link nor the address', () => {
  const job = encodeMailJob(mail, key);
  const stored = JSON.stringify(job);
  expect(stored).not.toContain('SECRETTOKEN');
  expect(stored).not.toContain('alice');
  expect(decodeMailJob(JSON.parse(stored), key)).toEqual(mail);
  // Two seals of one mail differ (fresh IV).
  expect(JSON.stringify(encodeMailJob(mail, key))).not.toBe(stored);
});

test('without a key the job holds the mail itself', () => {
  const job = encodeMailJob(mail);
  expect(job).toEqual({ v: 1, mail });
  expect(decodeMailJob(job)).toEqual(mail);
  expect(decodeMailJob(job, key)).toEqual(mail); // jobs queued before a key was configured
});

test('the wrong key, a flipped bit, a truncation, or no key at all are refused', () => {
  const sealed = seal(key, 'hello');
  expect(open(key, sealed)).toBe('hello');
  expect(() => open(randomBytes(32), sealed)).toThrow(MailSealError);
  const raw = Buffer.from(sealed.slice(sealed.indexOf('.') + 1), 'base64url');
  for (const i of [0, 12, raw.length - 1]) {
    const bad = Buffer.from(raw);
    bad[i] ^= 1;
    expect(() => open(key, sealed.slice(0, sealed.indexOf('.') + 1) + bad.toString('base64url'))).toThrow(MailSealError);
  }
  expect(() => open(key, sealed.slice(0, 20))).toThrow(MailSealError);
  expect(() => open(key, 'hello')).toThrow(MailSealError);
  expect(() => decodeMailJob(encodeMailJob(mail, key))).toThrow(/no payload key/);
  expect(() => seal(new Uint8Array(31), 'x')).toThrow(MailSealError);
});

test('a decoded job is checked again: a header injected in the database is refused', () => {
  expect(() => decodeMailJob({ v: 1, mail: { ...mail, to: 'a@b.org\r\nBcc: eve@example.org' } })).toThrow(MailContentError);
  expect(() => decodeMailJob({ v: 1, sealed: seal(key, JSON.stringify({ ...mail, subject: 'x\ny' })) }, key)).toThrow(MailContentError);
  expect(() => decodeMailJob({ v: 2, mail })).toThrow(MailSealError);
  expect(() => decodeMailJob(null)).toThrow(MailSealError);
});
