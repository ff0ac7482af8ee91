// The CLI's policy comparison (verifier/src/node/policy-change.ts): canonical comparison
// (comments, blank lines and spacing are no change), every part of a policy named when it
// changes, and reports that show both versions with the differing lines marked.
import { expect, test } from 'vitest';
import { base64Encode, parsePolicy, SIGNATURE_TYPE_COSIGNATURE_V1 } from '@glasskey/verifier';
import { changedParts, firstUseNotice, policyChangeJson, policyChangeReport, repinNotice, samePolicy } from '@glasskey/verifier/node';
import { generateSigner } from '../../log/note-signer.ts';
import { vrfKeygen } from '../../log/vrf.ts';

const log = generateSigner('keys.example/log');
const log2 = generateSigner('keys.example/log');
const w1 = generateSigner('w1.example/w', SIGNATURE_TYPE_COSIGNATURE_V1);
const vrf = base64Encode(vrfKeygen().publicKey);
const vrf2 = base64Encode(vrfKeygen().publicKey);
const base = `log ${log.vkey} https://keys.example\nvrf ${vrf}\nquorum none\n`;

test('comments, blank lines and spacing are no change; each part that changes is named', () => {
  const a = parsePolicy(base);
  expect(samePolicy(a, parsePolicy(`# served on Tuesday\n\nlog   ${log.vkey}\thttps://keys.example\nvrf ${vrf}\n\nquorum none\nfreshness 86400\n`))).toBe(true);
  const cases: [string, string[]][] = [
    [`log ${log2.vkey} https://keys.example\nvrf ${vrf}\nquorum none\n`, ['the log key']],
    [`log ${log.vkey} https://other.example\nvrf ${vrf}\nquorum none\n`, ['the log URL']],
    [`log ${log.vkey} https://keys.example\nvrf ${vrf2}\nquorum none\n`, ['the VRF key']],
    [`log ${log.vkey} https://keys.example\nquorum none\n`, ['the VRF key']],
    [`log ${log.vkey} https://keys.example\nvrf ${vrf}\nwitness w1 ${w1.vkey}\nquorum w1\n`, ['the witnesses', 'the quorum']],
    [`log ${log.vkey} https://keys.example\nvrf ${vrf}\nwitness w1 ${w1.vkey}\ngroup g any w1\nquorum g\n`, ['the witnesses', 'the witness groups', 'the quorum']],
    [`log ${log.vkey} https://keys.example\nvrf ${vrf}\nquorum none\nfreshness 60\n`, ['the freshness']],
  ];
  for (const [text, parts] of cases) {
    const b = parsePolicy(text);
    expect(samePolicy(a, b)).toBe(false);
    expect(changedParts(a, b)).toEqual(parts);
  }
});

test('the reports show both versions with the differing lines marked', () => {
  const pinned = parsePolicy(base);
  const served = parsePolicy(`log ${log2.vkey} https://keys.example\nvrf ${vrf}\nquorum none\n`);
  const notice = firstUseNotice('https://keys.example', '/s/p.policy', pinned);
  expect(notice).toContain(`      log ${log.vkey} https://keys.example\n      vrf ${vrf}\n      quorum none\n      freshness 86400\n`);

  const change = { serverUrl: 'https://keys.example', pinnedFile: '/s/p.policy', pinned, served: { policy: served } };
  const report = policyChangeReport(change);
  expect(report).toContain('Changed: the log key.');
  expect(report).toContain(`    - log ${log.vkey} https://keys.example\n      vrf ${vrf}\n`);
  expect(report).toContain(`    + log ${log2.vkey} https://keys.example\n      vrf ${vrf}\n`);
  expect(policyChangeJson(change)).toEqual({
    type: 'policy-changed',
    server: 'https://keys.example',
    pinnedFile: '/s/p.policy',
    changed: ['the log key'],
    pinned: `log ${log.vkey} https://keys.example\nvrf ${vrf}\nquorum none\nfreshness 86400\n`,
    served: `log ${log2.vkey} https://keys.example\nvrf ${vrf}\nquorum none\nfreshness 86400\n`,
  });
  const invalid = policyChangeReport({ ...change, served: { error: 'policy line 1: unknown directive "<html>"' } });
  expect(invalid).toContain('served now: not a valid policy (policy line 1: unknown directive "<html>")');
  expect(invalid).toContain('The pinned policy stays in use.');

  expect(repinNotice('https://keys.example', '/s/p.policy', pinned, served, '/s/p.policy.replaced-x')).toContain(`    + log ${log2.vkey}`);
  expect(repinNotice('https://keys.example', '/s/p.policy', pinned, parsePolicy(base), null)).toContain('nothing changed');
});
