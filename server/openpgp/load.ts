// loadCertificates: read and clean in one step, for uploads and for certificates stored
// as binary (which are re-read and re-cleaned as of `now` before use).
import { cleanCertificate } from './clean.ts';
import { readCertificates } from './read.ts';
import type { CleanCertificate } from './types.ts';

export async function loadCertificates(
  input: string | Uint8Array,
  { max = 1, now = new Date() }: { max?: number; now?: Date } = {},
): Promise<CleanCertificate[]> {
  const read = await readCertificates(input, { max });
  const out: CleanCertificate[] = [];
  for (const cert of read) out.push(await cleanCertificate(cert, now));
  return out;
}

/** Exactly one certificate, cleaned. */
export async function loadCertificate(input: string | Uint8Array, now: Date = new Date()): Promise<CleanCertificate> {
  const [clean] = await loadCertificates(input, { max: 1, now });
  return clean;
}
