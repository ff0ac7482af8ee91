// The origin hash of the monitoring path (c2sp.org/tlog-witness, monitor retrieval):
// lowercase hex SHA-256 of the checkpoint origin line.
import { createHash } from 'node:crypto';

export function originHash(origin: string): string {
  return createHash('sha256').update(origin, 'utf8').digest('hex');
}

export const ORIGIN_HASH_PATTERN = /^[0-9a-f]{64}$/;
