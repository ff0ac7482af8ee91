// A KeyValueStorage in one JSON file (an object of string values), for Node. Every write
// reads the file afresh, changes one key and replaces the file atomically: write a temporary
// file next to it, fsync, rename over the old one (then fsync the directory, where the
// platform allows). A crash leaves the old file or the new one, never a torn one. Writes in
// one process are serialized; two processes writing the same file can lose each other's
// update of a different key (last rename wins), so give concurrent processes their own files.
import { open, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyValueStorage } from '../client/storage.ts';

export interface FileStorage extends KeyValueStorage {
  readonly path: string;
  /** All keys and values as stored now. */
  readAll(): Promise<Record<string, string>>;
}

let tempCounter = 0;

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // directories cannot be fsynced everywhere (Windows); the rename is still atomic
  }
}

export function jsonFileStorage(path: string): FileStorage {
  let queue: Promise<unknown> = Promise.resolve();
  const readAll = async (): Promise<Record<string, string>> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new Error(`${path}: not JSON (a damaged state file; move it away to start afresh)`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string'))
      throw new Error(`${path}: not a JSON object of strings`);
    return v as Record<string, string>;
  };
  return {
    path,
    readAll,
    async get(key) {
      await queue.catch(() => undefined);
      return (await readAll())[key];
    },
    set(key, value) {
      const run = queue.then(
        async () => {
          const all = await readAll();
          all[key] = value;
          await writeFileAtomic(path, JSON.stringify(all, null, 1) + '\n');
        },
        async () => {
          const all = await readAll();
          all[key] = value;
          await writeFileAtomic(path, JSON.stringify(all, null, 1) + '\n');
        },
      );
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
