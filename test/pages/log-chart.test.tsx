// The log size chart: round axis tops, compact labels, a step line that only goes right and
// up (the log never shrinks) and stays inside the drawing, an accessible description; and
// the checkpoints the log's own integrator wrote read into at most the requested number of
// points.
import { describe, expect, test } from 'vitest';
import { chartGeometry, compactNumber, LogChart, niceCeiling } from '../../server/pages/log-chart.tsx';
import { appendPending, ensureInitialCheckpoint, integrate } from '../../log/index.ts';
import { generateSigner, signNote } from '../../log/note-signer.ts';
import { logGrowth } from '../../server/pages/log-growth.ts';
import { freshDatabase } from '../helpers/db.ts';

function steps(path: string): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of path.matchAll(/([MHV])([\d.]+)(?:,([\d.]+))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b)];
    if (cmd === 'H') x = Number(a);
    if (cmd === 'V') y = Number(a);
    out.push({ x, y });
  }
  return out;
}

describe('chart geometry', () => {
  test('niceCeiling and compactNumber', () => {
    expect([0, 1, 3, 10, 11, 240, 999_999].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 500, 1_000_000]);
    expect([0, 950, 1000, 12_300, 2_500_000].map(compactNumber)).toEqual(['0', '950', '1k', '12.3k', '2.5M']);
  });

  test('the line goes right and up, inside the 720x260 drawing, and ends at now', () => {
    const t = Date.UTC(2025, 0, 1);
    const points = [0, 3, 3, 10, 250].map((size, i) => ({ size, at: new Date(t + i * 3600_000) }));
    const g = chartGeometry(points, new Date(t + 10 * 3600_000));
    const s = steps(g.line);
    expect(s.length).toBe(1 + 2 * 4 + 1);
    for (let i = 1; i < s.length; i++) {
      expect(s[i].x).toBeGreaterThanOrEqual(s[i - 1].x);
      expect(s[i].y).toBeLessThanOrEqual(s[i - 1].y); // SVG y grows downwards
    }
    for (const p of s) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(720);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(260);
    }
    expect(s[s.length - 1].x).toBe(720 - 16);
    expect(g.top).toBe(500);
    expect(g.yTicks.map((t) => t.label)).toEqual(['0', '250', '500']);
    expect(g.area.endsWith('Z')).toBe(true);
  });

  test('no points: a flat line at 0 and a description that says so', async () => {
    const html = String(await (<LogChart points={[]} now={new Date()} />));
    expect(html).toContain('The log has no checkpoints yet.');
    expect(html).toMatch(/role="img" aria-labelledby="chart-title chart-desc"/);
  });
});

describe('logGrowth', () => {
  test('many checkpoints come back as at most `buckets` points, increasing, ending at the newest', async () => {
    const db = await freshDatabase();
    try {
      const origin = 'growth.test/log';
      const signer = generateSigner(origin);
      const opts = { origin, signCheckpoint: (body: string) => signNote(body, [signer]) };
      await ensureInitialCheckpoint(db.sql, origin, opts.signCheckpoint);
      for (let i = 0; i < 80; i++) {
        await appendPending(db.sql, [new Uint8Array([i, 1, 2, 3])]);
        await integrate(db.sql, opts);
      }
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM log_checkpoints`;
      expect(count).toBe(81);
      const points = await logGrowth(db.sql, 20);
      expect(points.length).toBeLessThanOrEqual(20);
      expect(points.length).toBeGreaterThan(1);
      for (let i = 1; i < points.length; i++) expect(points[i].size).toBeGreaterThan(points[i - 1].size);
      const [newest] = await db.sql`SELECT size, created_at FROM log_checkpoints ORDER BY size DESC LIMIT 1`;
      expect(points[points.length - 1]).toEqual({ size: 80, at: new Date(newest.created_at) });
    } finally {
      await db.close();
    }
  });
});
