// The verification mail's wording and its refusal of anything that could inject a header.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatFingerprint, verificationMail, type VerificationMailInput } from '../../server/mail/templates.ts';
import { MailContentError } from '../../server/mail/errors.ts';

const base: VerificationMailInput = {
  to: 'alice@example.org',
  address: 'alice@example.org',
  fingerprint: 'd4ab192964f76a7f8f8a9b357bd18320deadbeef',
  link: 'https://keys.example.org/verify/Zm9vYmFyYmF6cXV4cXV1eA',
  action: 'bind',
  serviceName: 'glasskey',
  publicUrl: 'https://keys.example.org',
};

describe('verificationMail', () => {
  test('bind: says what is bound, how to confirm, that the link is single use and expires, and that it can be ignored', () => {
    const m = verificationMail(base);
    expect(m.to).toBe('alice@example.org');
    expect(m.subject).toBe('glasskey: confirm your OpenPGP key for alice@example.org');
    const lines = m.text.split('\n');
    expect(lines).toContain(base.link); // alone on its line, never wrapped
    expect(lines).toContain('    Address:      alice@example.org');
    expect(lines).toContain('    Fingerprint:  D4AB 1929 64F7 6A7F 8F8A 9B35 7BD1 8320 DEAD BEEF');
    const flat = m.text.replace(/\s+/g, ' ');
    expect(flat).toContain('to publish this OpenPGP key for the address alice@example.org');
    expect(flat).toContain('The link works only once and expires in 24 hours.');
    expect(flat).toContain('If you did not ask for this, or this is not your key, ignore this mail');
    expect(flat).toContain('https://keys.example.org');
    expect(flat).not.toMatch(/remov/i);
    for (const line of lines) if (line !== base.link) expect(line.length).toBeLessThanOrEqual(72);
  });

  test('unbind: says what is removed', () => {
    const m = verificationMail({ ...base, action: 'unbind', expiresInHours: 2 });
    expect(m.subject).toBe('glasskey: confirm removal of your OpenPGP key for alice@example.org');
    const flat = m.text.replace(/\s+/g, ' ');
    expect(flat).toContain('to stop publishing this OpenPGP key for the address alice@example.org');
    expect(flat).toContain('To remove it, open this link');
    expect(flat).toContain('expires in 2 hours');
    expect(flat).toContain('ignore this mail: the key stays published');
    expect(m.text.split('\n')).toContain(base.link);
  });

  test('v6 fingerprints (64 hex digits) are shown whole', () => {
    const fpr = 'CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9';
    const m = verificationMail({ ...base, fingerprint: fpr });
    expect(m.text).toContain(formatFingerprint(fpr));
    expect(formatFingerprint(fpr).replace(/ /g, '')).toBe(fpr);
  });

  test.each([
    ['to', { to: 'alice@example.org\r\nBcc: eve@example.org' }],
    ['to', { to: 'alice@example.org,eve@example.org' }],
    ['address', { address: 'alice@example.org\nSubject: pwned' }],
    ['address', { address: 'Alice <alice@example.org>' }],
    ['address', { address: 'alice@example.org\u2028' }],
    ['serviceName', { serviceName: 'glasskey\r\nBcc: eve@example.org' }],
    ['serviceName', { serviceName: 'glass\u0085key' }],
    ['fingerprint', { fingerprint: 'd4ab192964f76a7f8f8a9b357bd18320deadbee' }],
    ['fingerprint', { fingerprint: 'd4ab192964f76a7f8f8a9b357bd18320deadbeeg' }],
    ['fingerprint', { fingerprint: 'd4ab192964f76a7f8f8a9b357bd18320deadbeef\n' }],
    ['link', { link: 'https://keys.example.org/verify/x\r\nBcc: eve@example.org' }],
    ['link', { link: 'https://evil.example.net/verify/x' }],
    ['link', { link: 'javascript:alert(1)' }],
    ['link', { link: 'https://keys.example.org.evil.net/verify/x' }],
    ['link', { link: 'https://user:pw@keys.example.org/verify/x' }],
    ['link', { link: '/verify/x' }],
    ['publicUrl', { publicUrl: 'ftp://keys.example.org' }],
    ['action', { action: 'publish' as 'bind' }],
    ['expiresInHours', { expiresInHours: 0 }],
  ])('refuses a bad %s', (field, bad) => {
    let err: unknown;
    try {
      verificationMail({ ...base, ...bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MailContentError);
    expect((err as MailContentError).field).toBe(field);
  });

  test('a link under a public URL with a path prefix is accepted; one outside it is not', () => {
    const withPath = { ...base, publicUrl: 'https://example.org/keys/', link: 'https://example.org/keys/verify/abc' };
    expect(verificationMail(withPath).text).toContain(withPath.link);
    expect(() => verificationMail({ ...withPath, link: 'https://example.org/other/verify/abc' })).toThrow(MailContentError);
  });

  test('property: whatever the service name and address, the subject never holds a line break', () => {
    const chars = fc.constantFrom('a', 'z', '.', '-', ' ', '\r', '\n', '\u2028', '\t', 'é', '@', ':', '\u0000', '\u0085');
    const str = fc.string({ unit: chars, minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(str, str, (serviceName, local) => {
        const address = `${local}@example.org`;
        try {
          const m = verificationMail({ ...base, serviceName, address, to: address });
          expect(m.subject).not.toMatch(/[\r\n\u2028\u2029\u0085\u0000]/);
        } catch (e) {
          expect(e).toBeInstanceOf(MailContentError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
