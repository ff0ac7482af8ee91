// Loads the transparency-dev/merkle proof vectors (test/vectors/merkle/{inclusion,consistency}),
// walking each folder recursively and base64-decoding every byte field ("" is empty, null proof is []).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64Decode } from '@glasskey/verifier';
import { VECTORS_DIR } from './vectors.ts';

export interface InclusionVector {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: Uint8Array;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

export interface ConsistencyVector {
  file: string;
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

function readAll(kind: 'inclusion' | 'consistency'): { file: string; json: any }[] {
  const dir = join(VECTORS_DIR, 'merkle', kind);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

const decodeProof = (p: string[] | null): Uint8Array[] => (p ?? []).map((h) => base64Decode(h));

export function loadInclusionVectors(): InclusionVector[] {
  return readAll('inclusion').map(({ file, json }) => ({
    file,
    leafIdx: json.leafIdx,
    treeSize: json.treeSize,
    root: base64Decode(json.root),
    leafHash: base64Decode(json.leafHash),
    proof: decodeProof(json.proof),
    desc: json.desc,
    wantErr: json.wantErr,
  }));
}

export function loadConsistencyVectors(): ConsistencyVector[] {
  return readAll('consistency').map(({ file, json }) => ({
    file,
    size1: json.size1,
    size2: json.size2,
    root1: base64Decode(json.root1),
    root2: base64Decode(json.root2),
    proof: decodeProof(json.proof),
    desc: json.desc,
    wantErr: json.wantErr,
  }));
}
