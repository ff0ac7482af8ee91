// The /log page's view of the served checkpoint: the log signature checked with the log key,
// each cosignature from a witness of the policy checked and shown with its time and age, a
// cosignature from a key the policy does not name listed as not checked, and a forged
// log signature reported, not hidden.
import { describe, expect, test } from 'vitest';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { parseCheckpoint, parseNote, SIGNATURE_TYPE_COSIGNATURE_V1 } from '@glasskey/verifier';
import { cosign, generateSigner, signNote } from '../../log/note-signer.ts';
import { servedCheckpointView } from '../../server/pages/checkpoint-view.ts';
import { LogPage } from '../../server/pages/log-page.tsx';
import type { Services } from '../../server/services.ts';

const origin = 'dir.example/log';
const log = generateSigner(origin);
const w1 = generateSigner('witness-one.example/w', SIGNATURE_TYPE_COSIGNATURE_V1);
const stranger = generateSigner('stranger.example/w', SIGNATURE_TYPE_COSIGNATURE_V1);
const now = new Date('2025-03-01T12:00:00Z');
const body = `${origin}\n42\n${Buffer.alloc(32, 7).toString('base64')}\n`;

/** What servedCheckpointView reads: the served note, the keys and the policy's witness lines. */
function fakeServices(note: string): Services {
  return {
    config: { origin, publicUrl: 'https://dir.example' },
    keys: { signer: log, vrfPublicKey: ristretto255.Point.BASE.toBytes() },
    checkpoint: { current: async () => ({ size: 42, note }), invalidate() {} },
    policyWitnessLines: () => [`witness w1 ${w1.vkey} https://witness-one.example/w`, 'quorum w1'],
    now: () => now,
  } as unknown as Services;
}

describe('servedCheckpointView', () => {
  test('log signature and a policy witness cosignature verified, a stranger listed unchecked', async () => {
    const t1 = Math.floor(now.getTime() / 1000) - 90;
    const note = signNote(body, [log]) + cosign(body, w1, t1) + cosign(body, stranger, t1 - 3600);
    const view = await servedCheckpointView(fakeServices(note));
    expect(view.size).toBe(42);
    expect(view.origin).toBe(origin);
    expect(view.problem).toBeUndefined();
    expect(view.signatures.map((s) => [s.kind, s.witness ?? s.keyName, s.verified, s.time?.getTime()])).toEqual([
      ['log', origin, true, undefined],
      ['cosignature', 'w1', true, t1 * 1000],
      ['cosignature', 'stranger.example/w', false, (t1 - 3600) * 1000],
    ]);
    const html = String(await (<LogPage cp={view} points={[]} policy="log x\n" publicUrl="https://dir.example" now={now} />));
    expect(html).toContain('Cosigned by <strong>w1</strong> at 2025-03-01 11:58 UTC (1 minute ago)');
    expect(html).toContain('not in this log&#39;s policy; not checked');
    expect(html).not.toContain('No witness cosigns');
  });

  test('a log signature that does not verify is reported on the page', async () => {
    const note = signNote(body, [log]);
    const { text, signatures } = parseNote(note);
    const bad = signatures[0].signature.slice();
    bad[5] ^= 1;
    const forged = `${text}\n— ${origin} ${Buffer.concat([Buffer.from([(signatures[0].keyId >>> 24) & 255, (signatures[0].keyId >>> 16) & 255, (signatures[0].keyId >>> 8) & 255, signatures[0].keyId & 255]), bad]).toString('base64')}\n`;
    expect(parseCheckpoint(parseNote(forged).text).size).toBe(42);
    const view = await servedCheckpointView(fakeServices(forged));
    expect(view.problem).toMatch(/invalid signature/);
    expect(view.signatures[0]).toMatchObject({ kind: 'log', verified: false });
    const html = String(await (<LogPage cp={view} points={[]} policy="log x\n" publicUrl="https://dir.example" now={now} />));
    expect(html).toContain('could not be checked: invalid signature');
  });
});
