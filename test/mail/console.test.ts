// The console transport (no SMTP_URL): each mail printed in full between delimiters, to the
// real stdout of the process, link intact on its own line.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { createTransport } from '../../server/mail/transport.ts';
import { CONSOLE_BEGIN } from '../../server/mail/console-transport.ts';
import { MailContentError } from '../../server/mail/errors.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/print-mail.ts', import.meta.url));
const mail = {
  from: 'glasskey <noreply@keys.example.org>',
  to: 'alice@example.org',
  subject: 'glasskey: confirm your OpenPGP key for alice@example.org',
  text: 'Hello,\n\nhttps://keys.example.org/verify/abc\n\nBye\n',
};

describe('console transport', () => {
  test('prints headers and body between delimiters, one write per mail', async () => {
    const out: string[] = [];
    const t = createTransport({ write: (s) => out.push(s) });
    expect(t.kind).toBe('console');
    const { messageId } = await t.send({ ...mail, headers: { 'Auto-Submitted': 'auto-generated' } });
    await t.send({ ...mail, to: 'bob@example.org' });
    expect(out).toHaveLength(2);
    const lines = out[0].split('\n');
    expect(lines[0]).toBe(CONSOLE_BEGIN);
    expect(lines).toContain(`Message-ID: ${messageId}`);
    expect(lines).toContain('From: glasskey <noreply@keys.example.org>');
    expect(lines).toContain('To: alice@example.org');
    expect(lines).toContain(`Subject: ${mail.subject}`);
    expect(lines).toContain('Auto-Submitted: auto-generated');
    expect(lines).toContain('https://keys.example.org/verify/abc');
    expect(out[0]).toContain('\n\nHello,\n\nhttps://keys.example.org/verify/abc\n\nBye\n');
    expect(lines.at(-2)).toBe(`======== end of mail ${messageId} ========`);
    expect(out[1]).toContain('To: bob@example.org\n');
  });

  test('refuses header injection like the SMTP transport', async () => {
    const out: string[] = [];
    const t = createTransport({ write: (s) => out.push(s) });
    await expect(t.send({ ...mail, to: 'alice@example.org\nBcc: eve@example.org' })).rejects.toBeInstanceOf(MailContentError);
    await expect(t.send({ ...mail, subject: 'x\r\nBcc: eve@example.org' })).rejects.toBeInstanceOf(MailContentError);
    await expect(t.send({ ...mail, headers: { 'X-A': 'b\r\nBcc: eve@example.org' } })).rejects.toBeInstanceOf(MailContentError);
    await expect(t.send({ ...mail, headers: { 'X-A\r\nBcc': 'b' } })).rejects.toBeInstanceOf(MailContentError);
    expect(out).toHaveLength(0);
  });

  test('without SMTP_URL, a process prints the mail, link included, on its real stdout', async () => {
    const link = `http://127.0.0.1:8080/verify/${randomBytes(16).toString('base64url')}`;
    const env = { ...process.env };
    delete env.SMTP_URL;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, link], { env });
    expect(stderr).toContain('transport: console');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(CONSOLE_BEGIN);
    expect(lines).toContain(link);
    expect(lines).toContain('To: alice@example.org');
    expect(lines).toContain('Subject: glasskey: confirm your OpenPGP key for alice@example.org');
    expect(lines.filter((l) => l.startsWith('======== end of mail <'))).toHaveLength(1);
  });
});
