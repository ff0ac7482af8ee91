// Small text formats shared by the pages: fingerprints in groups of four, dates in UTC,
// ages ("3 minutes ago"). Pure functions, no HTML (the JSX escapes).

/** "ABCD EF01 ..." : groups of four hex digits, easier to compare by eye. */
export function groupFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}

/** "2025-01-31 14:05 UTC" */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2025-01-31" */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** How long ago `then` was, in the largest whole unit: "12 seconds ago", "3 days ago", "in 2 minutes". */
export function formatAge(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, name] = units.find(([s]) => abs >= s) ?? [1, 'second'];
  const n = Math.floor(abs / size);
  const text = `${n} ${name}${n === 1 ? '' : 's'}`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

