// SMTP_URL parsing and the SMTP transport against a real SMTP server: AUTH with
// percent-encoded credentials, implicit TLS (smtps), STARTTLS, and refusals.
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../server/config.ts';
import { parseSmtpUrl } from '../../server/mail/smtp-url.ts';
import { createTransport } from '../../server/mail/transport.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const sinks: SmtpSink[] = [];
afterAll(async () => Promise.all(sinks.map((s) => s.close())));
async function sink(opts: Parameters<typeof startSmtpSink>[0] = {}) {
  const s = await startSmtpSink(opts);
  sinks.push(s);
  return s;
}
const mail = {
  from: 'glasskey <noreply@keys.example.org>',
  to: 'alice@example.org',
  subject: 'Confirm',
  text: 'https://keys.example.org/verify/abc\n',
};
const fast = { connectionMs: 2000, greetingMs: 2000, socketMs: 3000 };

describe('parseSmtpUrl', () => {
  test('smtp:// defaults to port 587 and STARTTLS when offered; smtps:// to 465 and TLS', () => {
    expect(parseSmtpUrl('smtp://mail.example.org').settings).toEqual({ host: 'mail.example.org', port: 587, secure: false, tls: {} });
    expect(parseSmtpUrl('smtps://mail.example.org/').settings).toEqual({ host: 'mail.example.org', port: 465, secure: true, tls: {} });
    expect(parseSmtpUrl('smtp://[::1]:2525').settings).toMatchObject({ host: '::1', port: 2525 });
  });

  test('user and password are percent-decoded; the description hides the password', () => {
    const { settings, redacted } = parseSmtpUrl('smtps://mailer%40example.org:p%40ss%3Aw%2Frd@smtp.example.org:2465');
    expect(settings.auth).toEqual({ user: 'mailer@example.org', pass: 'p@ss:w/rd' });
    expect(redacted).toBe('smtps://mailer%40example.org:***@smtp.example.org:2465');
    expect(redacted).not.toContain('ss');
  });

  test('TLS options', () => {
    const { settings, redacted } = parseSmtpUrl(
      'smtp://u:p@mx.example.org:25?tls.rejectUnauthorized=false&tls.servername=mail.example.org&tls.minVersion=TLSv1.3&requireTLS=true&name=keys.example.org',
    );
    expect(settings).toMatchObject({
      requireTLS: true,
      name: 'keys.example.org',
      tls: { rejectUnauthorized: false, servername: 'mail.example.org', minVersion: 'TLSv1.3' },
    });
    expect(redacted).toContain('?tls.rejectUnauthorized=false');
  });

  test.each([
    ['', /empty/],
    ['mail.example.org', /not a URL/],
    ['http://mail.example.org', /smtp:\/\/ or smtps:\/\//],
    ['smtp://', /host/],
    ['smtp://mail.example.org:99999', /not a URL|port/],
    ['smtp://mail.example.org/path', /path/],
    ['smtp://mail.example.org#x', /fragment/],
    ['smtp://:secret@mail.example.org', /no user name/],
    ['smtp://mail.example.org?tls.rejectUnauthorised=false', /unknown option/],
    ['smtp://mail.example.org?requireTLS=yes', /true or false/],
    ['smtp://mail.example.org?requireTLS=true&requireTLS=false', /twice/],
    ['smtp://mail.example.org?requireTLS=true&ignoreTLS=true', /both/],
    ['smtps://mail.example.org?requireTLS=true', /smtp:\/\/ \(STARTTLS\) only/],
    ['smtp://mail.example.org?tls.minVersion=TLSv1', /TLSv1.2 or TLSv1.3/],
    ['smtp://mail_server?x=1', /host name/],
    ['smtp://user:s3cr%ZZet@mail.example.org', /percent-encoding/],
  ])('refuses %j', (url, message) => {
    let err: unknown;
    try {
      parseSmtpUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('SMTP_URL');
    expect((err as Error).message).toMatch(message);
  });

  test('an error never repeats the password', () => {
    for (const url of ['smtp://user:hunter2@mail.example.org/path', 'smtp://user:hunter2@mail.example.org?bad=1', 'smtp://user:hunter2@:25']) {
      const err = (() => {
        try {
          parseSmtpUrl(url);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.message).not.toContain('hunter2');
    }
  });

  test('createTransport throws the ConfigError for a bad SMTP_URL', () => {
    expect(() => createTransport({ smtpUrl: 'smtp://mail.example.org?bogus=1' })).toThrow(ConfigError);
    expect(createTransport({ smtpUrl: '' }).kind).toBe('console');
  });
});

describe('SMTP transport against a real server', () => {
  test('plain SMTP delivers and reports the Message-ID', async () => {
    const s = await sink();
    const t = createTransport({ smtpUrl: `smtp://127.0.0.1:${s.port}`, timeouts: fast });
    expect(t.kind).toBe('smtp');
    expect(t.description).toBe(`smtp://127.0.0.1:${s.port}`);
    const { messageId } = await t.send(mail);
    const [got] = await s.waitFor(1);
    expect(got.parsed.messageId).toBe(messageId);
    expect(got.secure).toBe(false);
    expect(got.parsed.text).toBe(mail.text);
  });

  test('AUTH with percent-encoded credentials; a wrong password is refused with 535', async () => {
    const s = await sink({ auth: { user: 'mailer@example.org', pass: 'p@ss:w/rd' } });
    const t = createTransport({ smtpUrl: `smtp://mailer%40example.org:p%40ss%3Aw%2Frd@127.0.0.1:${s.port}`, timeouts: fast });
    expect(t.description).not.toContain('p%40ss');
    await t.send(mail);
    const [got] = await s.waitFor(1);
    expect(got.user).toBe('mailer@example.org');
    const wrong = createTransport({ smtpUrl: `smtp://mailer%40example.org:nope@127.0.0.1:${s.port}`, timeouts: fast });
    await expect(wrong.send(mail)).rejects.toMatchObject({ responseCode: 535 });
    expect(s.received).toHaveLength(1);
  });

  test('smtps:// speaks TLS from the start, and checks the certificate unless told not to', async () => {
    const s = await sink({ secure: true });
    const strict = createTransport({ smtpUrl: `smtps://127.0.0.1:${s.port}`, timeouts: fast });
    await expect(strict.send(mail)).rejects.toThrow(/certificate/i);
    const lax = createTransport({ smtpUrl: `smtps://127.0.0.1:${s.port}?tls.rejectUnauthorized=false`, timeouts: fast });
    await lax.send(mail);
    const [got] = await s.waitFor(1);
    expect(got.secure).toBe(true);
  });

  test('STARTTLS: requireTLS upgrades the connection; ignoreTLS does not', async () => {
    const s = await sink({ starttls: true });
    await createTransport({
      smtpUrl: `smtp://127.0.0.1:${s.port}?requireTLS=true&tls.rejectUnauthorized=false`,
      timeouts: fast,
    }).send(mail);
    await createTransport({ smtpUrl: `smtp://127.0.0.1:${s.port}?ignoreTLS=true`, timeouts: fast }).send(mail);
    const got = await s.waitFor(2);
    expect(got.map((g) => g.secure)).toEqual([true, false]);
  });

  test('requireTLS refuses a server that offers no STARTTLS', async () => {
    const s = await sink({ starttls: false });
    const t = createTransport({ smtpUrl: `smtp://127.0.0.1:${s.port}?requireTLS=true`, timeouts: fast });
    await expect(t.send(mail)).rejects.toThrow(/STARTTLS/i);
    expect(s.received).toHaveLength(0);
  });
});
