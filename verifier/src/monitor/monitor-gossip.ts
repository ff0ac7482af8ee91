// Gossip sources for a monitor: anything that serves a checkpoint of the log signed by its
// key. A source URL ending in /checkpoint is used as is; any other is a prefix under which the
// checkpoint is at <prefix>/<hex SHA-256(origin)>/checkpoint, the path of the tlog-witness
// monitoring endpoint, which monitors serving their checkpoint (--serve) also answer.
import { sha256 } from '@noble/hashes/sha2.js';
import { hexEncode, utf8Encode } from '../format/bytes.ts';
import { joinUrl } from '../client/http-get.ts';

export function originPathSegment(origin: string): string {
  return hexEncode(sha256(utf8Encode(origin)));
}

export function gossipCheckpointUrl(source: string, origin: string): string {
  const path = new URL(source).pathname;
  if (path.endsWith('/checkpoint')) return source;
  return joinUrl(source, `${originPathSegment(origin)}/checkpoint`);
}
