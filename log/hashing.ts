// RFC 9162 hashing on node:crypto for the write side, where speed matters: leaf hashes
// SHA-256(0x00 || entry), node hashes SHA-256(0x01 || left || right), the empty root. The
// verifier's noble-based functions compute the same values (the tests compare them).
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

// Scratch input for node hashes; crypto.hash reads it synchronously, so one buffer serves all calls.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = 0x01;

/** Plain SHA-256. */
export function sha256Of(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer');
}

/** SHA-256(0x00 || entry). */
export function leafHashOf(entry: Uint8Array): Uint8Array {
  const input = Buffer.allocUnsafe(1 + entry.length);
  input[0] = 0x00;
  input.set(entry, 1);
  return hash('sha256', input, 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function nodeHashOf(left: Uint8Array, right: Uint8Array): Uint8Array {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

const EMPTY = hash('sha256', Buffer.alloc(0), 'buffer');

/** SHA-256(""), the root of the empty tree. */
export function emptyTreeRoot(): Uint8Array {
  return Uint8Array.from(EMPTY);
}

/** MTH of consecutive complete subtrees, largest first (a compact range): fold from the right. */
export function foldRange(nodes: readonly Uint8Array[]): Uint8Array {
  if (nodes.length === 0) return emptyTreeRoot();
  let acc = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i--) acc = nodeHashOf(nodes[i], acc);
  return acc;
}
