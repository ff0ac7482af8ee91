// Tile paths (c2sp.org/tlog-tiles v0.1.0) against every case of test/vectors/tiles/paths.json,
// tile extents for a tree size (the spec's 70,000 and 256 examples), and strict parsing of
// entry bundles and hash tiles. Tessera writes a full tile as width 0; we write it as width 256
// (or leave the width out): `tesseraWidth` maps one to the other explicitly.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  encodeTileIndex,
  entriesPath,
  entriesPathForLeaf,
  formatEntryBundle,
  formatHashTile,
  FormatError,
  nodeTileAddress,
  parseTilePath,
  splitEntryBundle,
  splitHashTile,
  tilePath,
  tilesForSize,
  tileWidth,
} from '@glasskey/verifier';
import { readVectorJson } from '../helpers/vectors.ts';

const vectors = readVectorJson('tiles/paths.json');
const tessera = vectors.tessera;

/** Labels each case for test.each: [name, case]. */
const named = (cases: any[], name: (c: any) => string): [string, any][] => cases.map((c) => [name(c), c]);

/** Tessera's partial width, where 0 means a full tile, as our width (256 = full). */
const tesseraWidth = (p: number) => (p === 0 ? 256 : p);

describe('spec examples', () => {
  test('index encoding 1234067 -> x001/x234/067', () => {
    const { index, encoded } = vectors.spec.indexEncodingExample;
    expect(encodeTileIndex(index)).toBe(encoded);
    expect(encodeTileIndex(BigInt(index))).toBe(encoded);
  });

  test.each(named(vectors.spec.partialTileExamples, (e) => String(e.treeSize)))('tiles of a tree of size %s', (_size, e) => {
    const extents = tilesForSize(e.treeSize);
    expect(extents.map((x) => ({ level: x.level, fullTiles: Number(x.fullTiles), partialWidth: x.partialWidth }))).toEqual(
      e.levels,
    );
    for (const d of e.derivedPaths) {
      const x = extents[d.level];
      if (d.partial) {
        expect(tilePath(d.level, x.fullTiles, x.partialWidth)).toBe(d.partial);
        expect(tileWidth(d.level, x.fullTiles, e.treeSize)).toBe(x.partialWidth);
      } else {
        expect(Number(x.fullTiles)).toBe(d.count);
        expect(tilePath(d.level, 0)).toBe(d.firstFull);
        expect(tilePath(d.level, x.fullTiles - 1n)).toBe(d.lastFull);
        expect(tileWidth(d.level, x.fullTiles - 1n, e.treeSize)).toBe(256);
      }
    }
    if (e.derivedEntryBundles) {
      const b = e.derivedEntryBundles;
      expect(entriesPath(0)).toBe(b.firstFull);
      expect(entriesPath(extents[0].fullTiles - 1n)).toBe(b.lastFull);
      expect(entriesPath(extents[0].fullTiles, extents[0].partialWidth)).toBe(b.partial);
      expect(entriesPathForLeaf(e.treeSize - 1, e.treeSize)).toBe(b.partial);
      expect(entriesPathForLeaf(0, e.treeSize)).toBe(b.firstFull);
    }
  });
});

describe('tessera cases', () => {
  test.each(named(tessera.tilePath, (c) => c.path))('tilePath %s', (path, c) => {
    expect(tilePath(c.level, c.index, tesseraWidth(c.p))).toBe(path);
    if (c.p === 0) expect(tilePath(c.level, c.index)).toBe(path);
    expect(parseTilePath(path)).toEqual({ level: c.level, index: BigInt(c.index), width: tesseraWidth(c.p) });
  });

  test.each(named(tessera.entriesPath, (c) => c.path))('entriesPath %s', (path, c) => {
    expect(entriesPath(c.index, tesseraWidth(c.p))).toBe(path);
    expect(parseTilePath(path)).toEqual({ level: 'entries', index: BigInt(c.index), width: tesseraWidth(c.p) });
  });

  test.each(named(tessera.nWithSuffix, (c) => c.encoded))('N with suffix %s', (encoded, c) => {
    expect(tilePath(c.level, c.index, tesseraWidth(c.p))).toBe(`tile/${c.level}/${encoded}`);
  });

  test.each(named(tessera.entriesPathForLogIndex, (c) => `${c.seq} of ${c.logSize}`))('entriesPathForLeaf %s', (_n, c) => {
    expect(entriesPathForLeaf(c.seq, c.logSize)).toBe(c.path);
    expect(entriesPathForLeaf(BigInt(c.seq), BigInt(c.logSize))).toBe(c.path);
  });

  test.each(named(tessera.parseTileLevelIndexPartial, (c) => `${c.pathLevel} ${c.pathIndex}`))('parse %s', (_n, c) => {
    const path = `tile/${c.pathLevel}/${c.pathIndex}`;
    if (c.wantErr) {
      expect(() => parseTilePath(path)).toThrow(FormatError);
      return;
    }
    const want = { level: c.level, index: BigInt(c.index), width: tesseraWidth(c.width) };
    expect(parseTilePath(path)).toEqual(want);
    expect(tilePath(want.level, want.index, want.width)).toBe(path); // and back
  });

  test('example_test.go', () => {
    const ex = tessera.examples;
    expect(tilePath(ex.tilePath.level, ex.tilePath.index, ex.tilePath.p)).toBe(ex.tilePath.path);
    expect(entriesPath(ex.entriesPath.index, ex.entriesPath.p)).toBe(ex.entriesPath.path);
    expect(parseTilePath(`tile/${ex.parse.pathLevel}/${ex.parse.pathIndex}`)).toEqual({
      level: ex.parse.level,
      index: BigInt(ex.parse.index),
      width: ex.parse.width,
    });
    const n = ex.nodeCoordsToTileAddress;
    expect(nodeTileAddress(n.treeLevel, n.treeIndex)).toEqual({
      tileLevel: n.tileLevel,
      tileIndex: BigInt(n.tileIndex),
      nodeLevel: n.nodeLevel,
      nodeIndex: n.nodeIndex,
    });
  });
});

describe('paths, independently', () => {
  test('encodeTileIndex matches the decimal digits of the index, grouped by 3', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        const digits = n.toString();
        const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
        const groups = padded.match(/.{3}/g)!;
        expect(encodeTileIndex(n)).toBe(groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/'));
        expect(parseTilePath(`tile/entries/${encodeTileIndex(n)}`).index).toBe(n);
      }),
    );
  });

  test('every valid path round-trips', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant<'entries'>('entries'), fc.integer({ min: 0, max: 63 })),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const path = level === 'entries' ? entriesPath(index, width) : tilePath(level, index, width);
          expect(path.endsWith('.p/256')).toBe(false);
          expect(parseTilePath(path)).toEqual({ level, index, width });
        },
      ),
    );
  });

  test.each([
    'tile/0/000.p/0', // width 0 is not a partial tile
    'tile/0/000.p/007', // leading zero
    'tile/0/x000/001', // non-canonical leading zero group
    'tile/00/000',
    'tile/01/000',
    'tile/entries/000.p/256',
    'tile/0/18446744073709551616'.replace(/\d+$/, 'x018/x446/x744/x073/x709/x551/616'), // 2^64
    'tile/x/000',
    'tile/0/00',
    'tile/0/0000',
    'tile/0/000/',
    '/tile/0/000',
    'log/tile/0/000',
    'tile/0/000.p/1/',
    'tile/0/000.p/+1',
    'tile/0/000 ',
    'tile/0/٠٠٠', // Arabic-Indic digits
    'tile//000',
    'tile/0',
    'tile/',
    '',
  ])('rejects %j', (path) => {
    expect(() => parseTilePath(path)).toThrow(FormatError);
  });

  test('accepts the largest index, 2^64-1', () => {
    expect(parseTilePath('tile/0/x018/x446/x744/x073/x709/x551/615').index).toBe((1n << 64n) - 1n);
  });

  test('rejects bad arguments when formatting', () => {
    for (const f of [
      () => tilePath(64, 0),
      () => tilePath(-1, 0),
      () => tilePath(1.5, 0),
      () => tilePath(0, -1),
      () => tilePath(0, 1n << 64n),
      () => tilePath(0, 0, 0),
      () => tilePath(0, 0, 257),
      () => tilePath(0, 0, 2.5),
      () => entriesPath(0, 0),
      () => encodeTileIndex(2 ** 53),
      () => encodeTileIndex(-1n),
      () => nodeTileAddress(64, 0),
    ]) {
      expect(f).toThrow(FormatError);
    }
  });
});

describe('tile extents', () => {
  test('match the spec formula floor(s / 256^l) mod 256 at every level', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (s) => {
        const extents = tilesForSize(s);
        let level = 0;
        for (; 256n ** BigInt(level) <= s; level++) {
          const hashes = s / 256n ** BigInt(level);
          expect(extents[level]).toEqual({ level, fullTiles: hashes / 256n, partialWidth: Number(hashes % 256n) });
        }
        expect(extents).toHaveLength(level);
      }),
    );
  });

  test('the empty tree has no tiles', () => {
    expect(tilesForSize(0)).toEqual([]);
    expect(() => entriesPathForLeaf(0, 0)).toThrow(FormatError);
  });

  test('tileWidth rejects tiles that do not exist', () => {
    expect(tileWidth(0, 272, 70000)).toBe(256);
    expect(tileWidth(0, 273, 70000)).toBe(112);
    expect(() => tileWidth(0, 274, 70000)).toThrow(FormatError);
    expect(() => tileWidth(0, 1, 256)).toThrow(FormatError); // 256 leaves: tile 0/000 is full, no 0/001
    expect(() => tileWidth(2, 1, 70000)).toThrow(FormatError);
    expect(() => tileWidth(3, 0, 70000)).toThrow(FormatError);
    expect(() => entriesPathForLeaf(70000, 70000)).toThrow(FormatError);
  });

  test('nodeTileAddress agrees with tile geometry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), (treeLevel, treeIndex) => {
        const a = nodeTileAddress(treeLevel, treeIndex);
        const rowWidth = 256n >> BigInt(a.nodeLevel);
        expect(a.tileLevel * 8 + a.nodeLevel).toBe(treeLevel);
        expect(a.tileIndex * rowWidth + BigInt(a.nodeIndex)).toBe(treeIndex);
        expect(BigInt(a.nodeIndex) < rowWidth).toBe(true);
      }),
    );
  });
});

describe('entry bundles', () => {
  const u16 = (n: number) => [n >> 8, n & 255];

  test('split a hand-built bundle', () => {
    const bytes = new Uint8Array([...u16(3), 1, 2, 3, ...u16(0), ...u16(1), 9]);
    expect(splitEntryBundle(bytes)).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9])]);
    expect(splitEntryBundle(bytes, 3)).toHaveLength(3);
    expect(formatEntryBundle(splitEntryBundle(bytes))).toEqual(bytes);
  });

  test('format then split round-trips, and matches an independent encoding', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 }), (entries) => {
        const bytes = formatEntryBundle(entries);
        expect(bytes).toEqual(Uint8Array.from(entries.flatMap((e) => [...u16(e.length), ...e])));
        expect(splitEntryBundle(bytes, entries.length)).toEqual(entries);
      }),
      { numRuns: 50 },
    );
  });

  test('a 65535-byte entry is the largest', () => {
    const e = new Uint8Array(65535).fill(7);
    const bytes = formatEntryBundle([e]);
    expect(bytes.subarray(0, 2)).toEqual(new Uint8Array([255, 255]));
    expect(splitEntryBundle(bytes)).toEqual([e]);
    expect(() => formatEntryBundle([new Uint8Array(65536)])).toThrow(FormatError);
  });

  test.each([
    ['a zero-length tile', [], undefined, /is empty/],
    ['a truncated length prefix', [0], undefined, /truncated length prefix of entry 0/],
    ['a truncated length after an entry', [...u16(1), 5, 0], undefined, /truncated length prefix of entry 1/],
    ['a truncated entry', [...u16(4), 1, 2, 3], undefined, /entry 0 claims 4 bytes, only 3 left/],
    ['trailing bytes after the expected count', [...u16(1), 5, ...u16(1), 6], 1, /3 trailing bytes after 1 entries/],
    ['fewer entries than expected', [...u16(1), 5], 2, /has 1 entries, expected 2/],
    ['a width of 0', [...u16(1), 5], 0, /width 0/],
    ['a width of 257', [...u16(1), 5], 257, /width 257/],
  ] as const)('rejects %s', (_name, bytes, width, message) => {
    const run = () => splitEntryBundle(new Uint8Array(bytes), width);
    expect(run).toThrow(FormatError);
    expect(run).toThrow(message);
  });

  test('rejects more than 256 entries', () => {
    const bytes = new Uint8Array(257 * 2); // 257 empty entries
    expect(splitEntryBundle(bytes.subarray(0, 512))).toHaveLength(256);
    expect(() => splitEntryBundle(bytes)).toThrow(/trailing bytes after 256 entries/);
    expect(() => formatEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(0)))).toThrow(FormatError);
    expect(() => formatEntryBundle([])).toThrow(FormatError);
  });

  test('every strict prefix of a valid bundle is rejected as that bundle', () => {
    const entries = [new Uint8Array([1, 2, 3]), new Uint8Array(102).fill(4), new Uint8Array([5])];
    const bytes = formatEntryBundle(entries);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => splitEntryBundle(bytes.subarray(0, n), 3), `prefix ${n}`).toThrow(FormatError);
    }
    for (let extra = 1; extra < 4; extra++) {
      const longer = new Uint8Array(bytes.length + extra);
      longer.set(bytes);
      expect(() => splitEntryBundle(longer, 3)).toThrow(/trailing bytes/);
    }
  });
});

describe('hash tiles', () => {
  test('split and format round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 256 }), (hashes) => {
        const bytes = formatHashTile(hashes);
        expect(bytes.length).toBe(32 * hashes.length);
        expect(splitHashTile(bytes, hashes.length)).toEqual(hashes);
        expect(bytes.subarray(32 * (hashes.length - 1))).toEqual(hashes[hashes.length - 1]);
      }),
      { numRuns: 30 },
    );
  });

  test('rejects bad tiles', () => {
    expect(() => splitHashTile(new Uint8Array(0))).toThrow(FormatError);
    expect(() => splitHashTile(new Uint8Array(33))).toThrow(FormatError);
    expect(() => splitHashTile(new Uint8Array(257 * 32))).toThrow(FormatError);
    expect(() => splitHashTile(new Uint8Array(64), 3)).toThrow(/has 2 hashes, expected 3/);
    expect(() => formatHashTile([new Uint8Array(31)])).toThrow(FormatError);
    expect(() => formatHashTile([])).toThrow(FormatError);
    expect(splitHashTile(new Uint8Array(256 * 32), 256)).toHaveLength(256);
  });
});
