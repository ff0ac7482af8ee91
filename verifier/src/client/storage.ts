// Pluggable key-value storage for client state (HeadStore heads, monitor state): string keys
// and string values, sync or async. Here: an in-memory store and the browser's localStorage;
// the JSON file store for Node is verifier/src/node/file-storage.ts.

export interface KeyValueStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
}

/** Thrown when a storage backend is not available (no localStorage in this environment). */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

export interface MemoryStorage extends KeyValueStorage {
  /** A snapshot of everything stored (for tests and debugging). */
  entries(): [string, string][];
}

export function memoryStorage(initial?: Iterable<[string, string]>): MemoryStorage {
  const map = new Map<string, string>(initial);
  return {
    get: (key) => map.get(key),
    set: (key, value) => void map.set(key, value),
    entries: () => [...map.entries()],
  };
}

/** The subset of the Web Storage interface used here. */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** True when a usable localStorage exists (it can be absent, or throw on access in some privacy modes). */
export function localStorageAvailable(): boolean {
  try {
    const ls = (globalThis as { localStorage?: WebStorageLike }).localStorage;
    return typeof ls === 'object' && ls !== null && typeof ls.getItem === 'function' && typeof ls.setItem === 'function';
  } catch {
    return false;
  }
}

/**
 * Storage in the browser's localStorage (or any Web Storage passed in), every key prefixed.
 * Throws StorageUnavailableError when there is none; setItem errors (quota) propagate.
 */
export function localStorageStorage(options: { prefix?: string; storage?: WebStorageLike } = {}): KeyValueStorage {
  const prefix = options.prefix ?? 'glasskey:';
  let ls = options.storage;
  if (ls === undefined) {
    if (!localStorageAvailable()) throw new StorageUnavailableError('localStorage is not available in this environment');
    ls = (globalThis as unknown as { localStorage: WebStorageLike }).localStorage;
  }
  const store = ls;
  return {
    get: (key) => store.getItem(prefix + key),
    set: (key, value) => store.setItem(prefix + key, value),
  };
}
