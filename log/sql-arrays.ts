// Passing many values in one query parameter without relying on postgres.js array type
// discovery: integer arrays as text literals ('{1,2,3}', cast in SQL), byte strings as one
// bytea blob with offsets and lengths (split in SQL with substring).

/** '{1,2,3}' for a list of safe integers; cast with ::int8[] / ::int2[] / ::int4[] in SQL. */
export function intArrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

export interface PackedBytes {
  blob: Buffer;
  /** 0-based offsets into blob, as an int4[] literal. */
  offsets: string;
  /** Lengths, as an int4[] literal. */
  lengths: string;
}

/** Concatenates byte strings; SQL gets item i back as substring(blob FROM offset+1 FOR length). */
export function packBytes(items: readonly Uint8Array[]): PackedBytes {
  const offsets: number[] = [];
  const lengths: number[] = [];
  let o = 0;
  for (const it of items) {
    offsets.push(o);
    lengths.push(it.length);
    o += it.length;
  }
  return { blob: Buffer.concat(items), offsets: intArrayLiteral(offsets), lengths: intArrayLiteral(lengths) };
}
