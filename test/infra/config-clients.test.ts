// The options of issue 11 in loadConfig: GLASSKEY_ENCRYPT_VERIFICATION_MAIL (a switch, off by
// default) and GLASSKEY_UNVERIFIED_RETENTION_DAYS (14 by default, 1 to 3650), each refused
// with a ConfigError naming the variable when unusable.
import { expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

test('defaults: plain verification mail, 14 days of retention', () => {
  const c = loadConfig({});
  expect(c.encryptVerificationMail).toBe(false);
  expect(c.unverifiedRetentionDays).toBe(14);
});

test('set values are read', () => {
  expect(loadConfig({ GLASSKEY_ENCRYPT_VERIFICATION_MAIL: '1' }).encryptVerificationMail).toBe(true);
  expect(loadConfig({ GLASSKEY_ENCRYPT_VERIFICATION_MAIL: '0' }).encryptVerificationMail).toBe(false);
  expect(loadConfig({ GLASSKEY_UNVERIFIED_RETENTION_DAYS: '30' }).unverifiedRetentionDays).toBe(30);
});

test.each([
  ['GLASSKEY_ENCRYPT_VERIFICATION_MAIL', 'yes'],
  ['GLASSKEY_ENCRYPT_VERIFICATION_MAIL', 'true'],
  ['GLASSKEY_UNVERIFIED_RETENTION_DAYS', '0'],
  ['GLASSKEY_UNVERIFIED_RETENTION_DAYS', '1.5'],
  ['GLASSKEY_UNVERIFIED_RETENTION_DAYS', '3651'],
])('%s=%s is refused, naming the variable', (name, value) => {
  let err: unknown;
  try {
    loadConfig({ [name]: value });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).variable).toBe(name);
});
