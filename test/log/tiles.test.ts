// Hash tiles and entry bundles as c2sp.org/tlog-tiles defines them, at several sizes up to
// 70,000 entries (levels 0..2, full and partial): each tile's bytes are the reference subtree
// hashes, each bundle the length-prefixed entries; every width a past size had stays readable
// as a prefix; full tiles are single rows that never change; proofs at 70,000 verify.
// Entries are of varied lengths (1..250 bytes), so bundle items do not line up by size.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatEntryBundle, leafHash, tilesForSize, verifyConsistency, verifyInclusion } from '@glasskey/verifier';
import { consistencyProof, entryAt, inclusionProof, LogArgumentError, readEntryBundle, readTile } from '../../log/index.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { randomEntries, testLogKey } from './log-fixture.ts';
import { appendPending, integrate } from '../../log/index.ts';

let db: TestDatabase;
const key = testLogKey();
const tree = new ReferenceTree();
const entries: Uint8Array[] = [];
const SIZES = [1, 255, 256, 300, 65535, 65536, 65537, 70000];
const rnd = (n: number) => Math.floor(Math.random() * n);

/** What the spec says tile (level, index) of the given width holds. */
function expectedTile(level: number, index: number, width: number): Uint8Array {
  const span = 256 ** level;
  const out = new Uint8Array(width * 32);
  for (let i = 0; i < width; i++) out.set(tree.subtreeHash((index * 256 + i) * span, span), i * 32);
  return out;
}

function expectedBundle(index: number, width: number): Uint8Array {
  return formatEntryBundle(entries.slice(index * 256, index * 256 + width));
}

async function checkAllTiles(size: number) {
  for (const { level, fullTiles, partialWidth } of tilesForSize(size)) {
    const widths: [number, number][] = [];
    for (let n = 0; n < Number(fullTiles); n++) widths.push([n, 256]);
    if (partialWidth > 0) widths.push([Number(fullTiles), partialWidth]);
    for (const [n, w] of widths) {
      expectBytes(await readTile(db.sql, level, n, w), expectedTile(level, n, w), `tile ${level}/${n}.p/${w} at ${size}`);
      if (level === 0) expectBytes(await readEntryBundle(db.sql, n, w), expectedBundle(n, w), `bundle ${n}.p/${w} at ${size}`);
    }
  }
}

/** Byte comparison that stays fast on big arrays (deep equality is element by element). */
function expectBytes(actual: Uint8Array | null, expected: Uint8Array, what: string) {
  if (actual && Buffer.from(actual).equals(Buffer.from(expected))) return;
  expect(actual, what).toEqual(expected);
}

const snapshots: { size: number; tile: Uint8Array }[] = [];

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.close());

describe('tiles and entry bundles', () => {
  test('at each size, every tile and bundle of that size is what the spec says', async () => {
    for (const size of SIZES) {
      const add = randomEntries(size - entries.length, { min: 1, max: 250 });
      for (let i = 0; i < add.length; i += 20000) await appendPending(db.sql, add.slice(i, i + 20000));
      const r = await integrate(db.sql, { ...key, maxBatch: add.length });
      expect(r!.size).toBe(size);
      for (const e of add) {
        entries.push(e);
        tree.append(e);
      }
      expect(r!.root).toEqual(tree.root());
      await checkAllTiles(size);
      snapshots.push({ size, tile: (await readTile(db.sql, 0, 0, Math.min(size, 256)))! });
    }
    const levels = tilesForSize(70000).map((l) => [l.level, Number(l.fullTiles), l.partialWidth]);
    expect(levels).toEqual([
      [0, 273, 112],
      [1, 1, 17],
      [2, 0, 1],
    ]);
  }, 120_000);

  test('every width a past size had is still readable, as a prefix of the newest', async () => {
    for (const size of SIZES) {
      for (const { level, fullTiles, partialWidth } of tilesForSize(size)) {
        if (partialWidth === 0) continue;
        const n = Number(fullTiles);
        expectBytes(await readTile(db.sql, level, n, partialWidth), expectedTile(level, n, partialWidth), `tile ${level}/${n}.p/${partialWidth}`);
        if (level === 0) expectBytes(await readEntryBundle(db.sql, n, partialWidth), expectedBundle(n, partialWidth), `bundle ${n}`);
      }
    }
    // and any width at all, below what exists
    for (const w of [1, 2, 17, 100, 111, 112]) expectBytes(await readTile(db.sql, 0, 273, w), expectedTile(0, 273, w), `0/273.p/${w}`);
    for (const w of [1, 9, 16, 17]) expectBytes(await readTile(db.sql, 1, 1, w), expectedTile(1, 1, w), `1/1.p/${w}`);
    for (const w of [1, 60, 112]) expectBytes(await readEntryBundle(db.sql, 273, w), expectedBundle(273, w), `entries/273.p/${w}`);
  });

  test('nothing is served beyond the tree', async () => {
    expect(await readTile(db.sql, 0, 273, 113)).toBeNull();
    expect(await readTile(db.sql, 0, 274, 1)).toBeNull();
    expect(await readTile(db.sql, 1, 1, 18)).toBeNull();
    expect(await readTile(db.sql, 2, 0, 2)).toBeNull();
    expect(await readTile(db.sql, 3, 0, 1)).toBeNull();
    expect(await readEntryBundle(db.sql, 273, 113)).toBeNull();
    expect(await readEntryBundle(db.sql, 274, 1)).toBeNull();
    expect(await entryAt(db.sql, 70000)).toBeNull();
  });

  test('full tiles never change and are stored as one row each', async () => {
    for (const s of snapshots) expectBytes(await readTile(db.sql, 0, 0, s.tile.length / 32), s.tile, `0/0 since ${s.size}`);
    const split = await db.sql`SELECT count(*)::int AS n FROM log_tiles WHERE width = 256 AND start <> 0`;
    expect(split[0].n).toBe(0);
    const full = await db.sql`
      SELECT level, count(*)::int AS n FROM log_tiles WHERE width = 256 GROUP BY level ORDER BY level`;
    expect(full.map((r) => [r.level, r.n])).toEqual([
      [0, 273],
      [1, 1],
    ]);
    const bundles = await db.sql`SELECT count(*)::int AS n FROM log_entry_bundles WHERE width = 256`;
    expect(bundles[0].n).toBe(273);
  });

  test('every stored bundle row holds exactly its entries [start, width), in order', async () => {
    const rows = await db.sql`SELECT idx, start, width, entries FROM log_entry_bundles ORDER BY idx, width`;
    expect(rows.length).toBeGreaterThan(273);
    for (const r of rows) {
      const idx = Number(r.idx);
      const expected = formatEntryBundle(entries.slice(idx * 256 + r.start, idx * 256 + r.width));
      expectBytes(r.entries, expected, `bundle row ${idx} [${r.start}, ${r.width})`);
    }
  });

  test('entries read back one by one', async () => {
    for (const i of [0, 1, 255, 256, 65535, 65536, 69999, ...Array.from({ length: 200 }, () => rnd(70000))]) {
      expect(await entryAt(db.sql, i)).toEqual(entries[i]);
    }
  });

  test('proofs at 70,000 (level-2 tiles in play) equal the reference and verify', async () => {
    for (let k = 0; k < 500; k++) {
      const size = k % 2 ? 70000 : 1 + rnd(70000);
      const index = rnd(size);
      const proof = await inclusionProof(db.sql, index, size);
      expect(proof).toEqual(tree.inclusionProof(index, size));
      verifyInclusion(index, size, leafHash(entries[index]), proof, tree.root(size));
      const s1 = 1 + rnd(size);
      const cproof = await consistencyProof(db.sql, s1, size);
      expect(cproof).toEqual(tree.consistencyProof(s1, size));
      verifyConsistency(s1, size, tree.root(s1), tree.root(size), cproof);
    }
  });

  test('bad tile coordinates are LogArgumentErrors', async () => {
    for (const [l, n, w] of [
      [0, 0, 0],
      [0, 0, 257],
      [0, 0, 1.5],
      [8, 0, 1],
      [-1, 0, 1],
      [0, -1, 1],
      [0, 0.5, 1],
    ]) {
      await expect(readTile(db.sql, l, n, w)).rejects.toBeInstanceOf(LogArgumentError);
    }
    await expect(readEntryBundle(db.sql, 0, 0)).rejects.toBeInstanceOf(LogArgumentError);
    await expect(readEntryBundle(db.sql, -1, 1)).rejects.toBeInstanceOf(LogArgumentError);
    await expect(entryAt(db.sql, -1)).rejects.toBeInstanceOf(LogArgumentError);
  });
});
