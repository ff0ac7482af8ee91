// Locates the public conformance test vectors carried in the repository (test/vectors, with
// their README and licenses), so the suite runs from a bare clone.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

export function readVectorJson<T = any>(relative: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + relative, 'utf8')) as T;
}
