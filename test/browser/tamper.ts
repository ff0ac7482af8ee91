// Ways to spoil a lookup answer in flight, for the browser tests: flip one byte of the log
// entry, of a proof hash, of the certificate (re-armored, so only its hash is wrong), or of
// the checkpoint's log signature; or answer for another address.
import { base64Decode, base64Encode, dearmor, enarmor, formatTlogProof, parseNote, parseTlogProof, type LookupResponse } from '@glasskey/verifier';

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x01;
  return out;
}

/** Byte 10 lies in the entry's identity (the VRF output, bytes 2..65). */
export function flipEntryByte(r: LookupResponse): LookupResponse {
  return { ...r, entry: base64Encode(flip(base64Decode(r.entry), 10)) };
}

/** Flips a byte of the first inclusion proof hash (the proof must have one). */
export function flipProofByte(r: LookupResponse): LookupResponse {
  const p = parseTlogProof(r.proof);
  if (p.proof.length === 0) throw new Error('flipProofByte: the inclusion proof has no hashes (log of size 1)');
  return { ...r, proof: formatTlogProof({ ...p, proof: [flip(p.proof[0], 7), ...p.proof.slice(1)] }) };
}

/** Flips a byte in the middle of the certificate and armors it again (valid armor, wrong bytes). */
export function flipCertificateByte(r: LookupResponse): LookupResponse {
  const { data } = dearmor(r.certificate);
  return { ...r, certificate: enarmor('PUBLIC KEY BLOCK', flip(data, Math.floor(data.length / 2))) };
}

/** Flips a byte of the log's signature on the checkpoint inside the proof. */
export function flipCheckpointSignature(r: LookupResponse): LookupResponse {
  const p = parseTlogProof(r.proof);
  const note = p.checkpoint;
  const { text } = parseNote(note);
  const sigLines = note.slice(text.length + 1).split('\n').filter(Boolean);
  const [dash, name, sig] = sigLines[0].split(' ');
  const bytes = base64Decode(sig);
  const spoiled = `${dash} ${name} ${base64Encode(flip(bytes, 20))}`;
  const rebuilt = `${text}\n${[spoiled, ...sigLines.slice(1)].join('\n')}\n`;
  return { ...r, proof: formatTlogProof({ ...p, checkpoint: rebuilt }) };
}
