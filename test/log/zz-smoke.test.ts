import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { inclusionProof, consistencyProof, rootAt, entryAt, readTile, latestCheckpoint, appendPending, waitForIndex } from '../../log/index.ts';
import { ReferenceTree } from '../helpers/reference-tree.ts';
import { growLog, testLogKey, randomEntries } from './log-fixture.ts';
let db: TestDatabase;
beforeAll(async () => { db = await freshDatabase(); });
afterAll(async () => db?.close());
test('smoke', async () => {
  const key = testLogKey(); const tree = new ReferenceTree();
  const rs = await growLog(db.sql, key, tree, [1, 2, 300, 5, 700]);
  expect(rs.at(-1)!.size).toBe(1008);
  expect(await rootAt(db.sql, 1008)).toEqual(tree.root());
  for (const s of [1, 3, 303, 308, 1008, 500, 256, 512]) expect(await rootAt(db.sql, s)).toEqual(tree.root(s));
  expect(await inclusionProof(db.sql, 5, 1008)).toEqual(tree.inclusionProof(5, 1008));
  expect(await consistencyProof(db.sql, 300, 1008)).toEqual(tree.consistencyProof(300, 1008));
  const [id] = await appendPending(db.sql, randomEntries(1));
  console.log(await latestCheckpoint(db.sql));
});
