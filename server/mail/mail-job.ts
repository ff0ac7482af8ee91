// The payload of a mail job in pg-boss: the mail itself, or the mail sealed with the queue's
// key. Decoding checks the mail again, since it comes back from the database.
import { MailSealError } from './errors.ts';
import { checkMail, type Mail } from './message.ts';
import { open, seal } from './seal.ts';

export type MailJobData = { v: 1; mail: Mail } | { v: 1; sealed: string };

export function encodeMailJob(mail: Mail, key?: Uint8Array): MailJobData {
  const checked = checkMail(mail);
  return key ? { v: 1, sealed: seal(key, JSON.stringify(checked)) } : { v: 1, mail: checked };
}

export function decodeMailJob(data: unknown, key?: Uint8Array): Mail {
  const d = data as Partial<{ v: number; mail: Mail; sealed: string }> | null;
  if (!d || typeof d !== 'object' || d.v !== 1) throw new MailSealError('unknown job format');
  if (typeof d.sealed === 'string') {
    if (!key) throw new MailSealError('job is sealed but the queue has no payload key');
    let parsed: unknown;
    try {
      parsed = JSON.parse(open(key, d.sealed));
    } catch (err) {
      if (err instanceof MailSealError) throw err;
      throw new MailSealError('sealed job does not hold JSON');
    }
    return checkMail(parsed as Mail);
  }
  if (d.mail && typeof d.mail === 'object') return checkMail(d.mail);
  throw new MailSealError('job holds no mail');
}
