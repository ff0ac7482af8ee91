// The monitor command the search page prints is one glasskey-verify accepts: parsed by the
// CLI's own argument parser, every address watched with the key as its expectation.
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../verifier/src/node/cli-args.ts';
import { parseWatch } from '../../verifier/src/node/cli-monitor.ts';
import { monitorCommand } from '../../server/pages/search.tsx';

describe('monitor command on the search page', () => {
  test('each address carries the expected fingerprint', async () => {
    const fpr = '392A64659F61DC1D9C5B65FF53939A2A64928828';
    const cmd = monitorCommand('https://keys.example', ['alice@example.org', 'alice@work.example'], fpr);
    const argv = cmd.split(' ');
    expect(argv.slice(0, 2)).toEqual(['npx', 'glasskey-verify']);
    const args = parseArgs(argv.slice(2), new Set(['once', 'json', 'expect-unbind']));
    expect(args.command).toBe('monitor');
    const watches = await parseWatch(args.options);
    expect(watches.map((w) => [w.address, w.fingerprints.length])).toEqual([
      ['alice@example.org', 1],
      ['alice@work.example', 1],
    ]);
    expect(args.options).toContainEqual(['server', 'https://keys.example']);
  });
});
