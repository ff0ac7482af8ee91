// The policy text clients pin for this log (DESIGN.md "Policy"): the log's vkey and URL, the
// VRF public key, and, when witnesses are configured, the witness, group and quorum lines.
import { base64Encode } from '@glasskey/verifier';
import type { Services } from './services.ts';

export function logPolicy(svc: Pick<Services, 'keys' | 'config' | 'policyWitnessLines'>): string {
  const lines = [
    `# glasskey policy for ${svc.config.origin}`,
    `log ${svc.keys.signer.vkey} ${svc.config.publicUrl}`,
    `vrf ${base64Encode(svc.keys.vrfPublicKey)}`,
  ];
  const witnessLines = svc.policyWitnessLines();
  if (witnessLines.length > 0) lines.push(...witnessLines);
  else lines.push('quorum none');
  return lines.join('\n') + '\n';
}
