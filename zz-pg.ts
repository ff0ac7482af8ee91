import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from './server/db/embedded.ts';
process.on('uncaughtException', (e) => { console.log('UNCAUGHT', e.message); });
const db = await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), 'gkp-')), 'd'), { persistent: false });
const a = postgres(db.url, { max: 1, onnotice: () => {} });
const b = postgres(db.url, { max: 1, onnotice: () => {} });
const pid = (await a`SELECT pg_backend_pid() AS p`)[0].p;
// case 1: query in flight
const p1 = a.begin(async (tx) => { await tx`SELECT pg_sleep(2)`; }).catch((e) => console.log('case1 rejected:', e.message));
await new Promise((r) => setTimeout(r, 300));
await b`SELECT pg_terminate_backend(${pid})`;
await p1;
await new Promise((r) => setTimeout(r, 500));
// case 2: idle in transaction, callback later sends a query
const pid2 = (await a`SELECT pg_backend_pid() AS p`)[0].p;
const p2 = a.begin(async (tx) => { await tx`SELECT 1`; await new Promise((r) => setTimeout(r, 1000)); await tx`SELECT 2`; }).catch((e) => console.log('case2 rejected:', e.message));
await new Promise((r) => setTimeout(r, 300));
await b`SELECT pg_terminate_backend(${pid2})`;
await p2;
await new Promise((r) => setTimeout(r, 1500));
console.log('after', (await a`SELECT 1 AS x`)[0]);
await a.end(); await b.end(); await db.stop();
