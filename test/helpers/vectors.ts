// Locates the shared public test vectors (../shared/vectors beside the repository).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

export function readVectorJson<T = any>(relative: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + relative, 'utf8')) as T;
}
