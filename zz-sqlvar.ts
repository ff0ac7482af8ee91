import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
import { migrate } from './server/db/migrate.ts';
import { appendPending, integrate } from './log/index.ts';
import { generateSigner, signNote } from './log/note-signer.ts';
import { packBytes } from './log/sql-arrays.ts';
const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const sql = postgres(db.url, { max: 4, onnotice: () => {} });
await migrate(sql);
const signer = generateSigner('o');
const ent = (n: number) => { const a = randomBytes(n * 102); return Array.from({ length: n }, (_, i) => a.subarray(i * 102, i * 102 + 102)); };
for (let i = 0; i < 4; i++) { await appendPending(sql, ent(50000)); await integrate(sql, { origin: 'o', signCheckpoint: (b) => signNote(b, [signer]), maxBatch: 65536 }); }
for (let i = 0; i < 10; i++) await appendPending(sql, ent(4096));
await sql`VACUUM ANALYZE log_pending`;
await sql`CREATE TABLE plain (entry bytea NOT NULL)`;
const es = ent(4096); const p = packBytes(es);
const D = `DELETE FROM log_pending WHERE id <= (SELECT max(id) FROM (SELECT id FROM log_pending ORDER BY id LIMIT 4096) AS f) RETURNING id, entry`;
const TAKE = "WITH tree AS (\n      SELECT coalesce(max(size), 0) AS size FROM log_batches\n    ), taken AS (\n      DELETE FROM log_pending\n       WHERE id <= (SELECT max(id) FROM (SELECT id FROM log_pending ORDER BY id LIMIT 4096) AS first_ids)\n      RETURNING id, entry\n    ), leaves AS (\n      SELECT id, entry, sha256('\\x00'::bytea || entry) AS leaf,\n             (SELECT size FROM tree) + row_number() OVER (ORDER BY id) - 1 AS idx\n        FROM taken\n    ), parts AS (\n      SELECT idx / 256 AS tile, (min(idx) % 256)::int2 AS start, (max(idx) % 256 + 1)::int2 AS width,\n             string_agg(substring(int4send(octet_length(entry)) FROM 3 FOR 2) || entry, ''::bytea ORDER BY idx) AS bundle,\n             string_agg(leaf, ''::bytea ORDER BY idx) AS hashes\n        FROM leaves GROUP BY idx / 256\n    ), bundles AS (\n      INSERT INTO log_entry_bundles (idx, width, start, entries)\n      SELECT tile, width,\n             CASE WHEN width = 256 THEN 0 ELSE start END,\n             CASE WHEN width = 256 AND start > 0\n                  THEN (SELECT string_agg(b.entries, ''::bytea ORDER BY b.width) FROM log_entry_bundles b WHERE b.idx = tile) || bundle\n                  ELSE bundle END\n        FROM parts\n    ), tiles AS (\n      INSERT INTO log_tiles (level, idx, width, start, hashes)\n      SELECT 0, tile, width,\n             CASE WHEN width = 256 THEN 0 ELSE start END,\n             CASE WHEN width = 256 AND start > 0\n                  THEN (SELECT string_agg(t.hashes, ''::bytea ORDER BY t.width) FROM log_tiles t WHERE t.level = 0 AND t.idx = tile) || hashes\n                  ELSE hashes END\n        FROM parts\n    ), batch AS (\n      INSERT INTO log_batches (first_index, size, pending_ids, pending_range)\n      SELECT (SELECT size FROM tree), (SELECT size FROM tree) + count(*), array_agg(id ORDER BY id), int8range(min(id), max(id), '[]')\n        FROM leaves HAVING count(*) > 0\n    )\n    SELECT (SELECT size FROM tree) AS first_index, tile, hashes FROM parts ORDER BY tile";
const cut = (from: string) => TAKE.slice(0, TAKE.indexOf(from)) + ' SELECT (SELECT size FROM tree) AS first_index, tile, hashes FROM parts ORDER BY tile';
const variants: Record<string, string> = {
  plain_insert: `INSERT INTO plain (entry) SELECT substring($1::bytea FROM o + 1 FOR l) FROM unnest($2::int4[], $3::int4[]) AS t(o, l)`,
  full_take: TAKE,
  no_inserts: cut(', bundles AS ('),
  no_tiles_batch: cut(', tiles AS ('),
  no_batch: cut(', batch AS ('),
  delete_only: `WITH taken AS (DELETE FROM log_pending WHERE id <= (SELECT max(id) FROM (SELECT id FROM log_pending ORDER BY id LIMIT 4096) AS f) RETURNING id, entry) SELECT count(*) FROM taken`,
  select_only: `SELECT count(*) FROM (SELECT id, entry FROM log_pending ORDER BY id LIMIT 4096) s`,
};
for (const [name, q] of Object.entries(variants)) {
  const times: number[] = [];
  for (let k = 0; k < 9; k++) {
    await sql.begin(async (tx) => {
      await tx`SELECT set_config('glasskey.log_writer', 'integrator', true)`;
      const t = performance.now();
      if (name === 'plain_insert') await tx.unsafe(q, [p.blob, p.offsets, p.lengths]); else await tx.unsafe(q);
      
      times.push(performance.now() - t);
      throw new Error('rb');
    }).catch((e) => { if (e.message !== 'rb') console.log(name, e.message); });
  }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(18), 'min', times[0].toFixed(2), 'med', times[4].toFixed(2));
}
await sql.end(); await db.stop();
