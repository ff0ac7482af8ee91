// Turns a client IP address into the subject a per-IP limit counts: IPv4 as is, an
// IPv4-mapped IPv6 address as its IPv4 address, any other IPv6 address as its /64 (one
// host usually holds a whole /64, so counting single IPv6 addresses would limit nothing).
import { isIP } from 'node:net';
import { RateLimitArgumentError } from './errors.ts';

/** The eight 16-bit groups of a valid IPv6 address (as checked by isIP). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, v4.index);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  if (!text.includes('::')) return [...parse(text), ...tail];
  const [head, rest] = text.split('::');
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...new Array<number>(8 - tail.length - left.length - right.length).fill(0), ...right, ...tail];
}

export function ipSubject(ip: string): string {
  const bare = typeof ip === 'string' ? ip.replace(/%.*$/, '').replace(/^\[(.*)\]$/, '$1') : '';
  const kind = isIP(bare);
  if (kind === 4) return bare;
  if (kind !== 6) throw new RateLimitArgumentError('ip', ip, 'not an IP address');
  const g = ipv6Groups(bare.toLowerCase());
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}
