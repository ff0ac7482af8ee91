// The log's size over time as an SVG drawn on the server: a step line (the size holds until
// the next checkpoint) over a light area, a y axis with round size ticks and the first and
// last dates on the x axis. Colours come from classes in style.css (no inline style, strict
// CSP); the title and description say in words what the chart shows.
import { formatDate, formatDateTime } from './format.ts';
import type { GrowthPoint } from './log-growth.ts';

const W = 720;
const H = 260;
const PAD = { left: 72, right: 16, top: 28, bottom: 40 };

/** The smallest of 1, 2, 5 times a power of ten that is >= n (at least 1). */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/** Short axis labels: 950, 12k, 2.5M. */
export function compactNumber(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${+(n / 1000).toFixed(1)}k`;
  return `${+(n / 1_000_000).toFixed(1)}M`;
}

export interface ChartGeometry {
  /** SVG path of the step line. */
  line: string;
  /** SVG path of the area under it. */
  area: string;
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string; anchor: 'start' | 'end' }[];
  top: number;
}

export function chartGeometry(points: GrowthPoint[], now: Date): ChartGeometry {
  const pts = points.length > 0 ? points : [{ size: 0, at: now }];
  const t0 = pts[0].at.getTime();
  const t1 = Math.max(now.getTime(), pts[pts.length - 1].at.getTime(), t0 + 1);
  const top = niceCeiling(Math.max(...pts.map((p) => p.size)));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (s: number) => H - PAD.bottom - (s / top) * (H - PAD.top - PAD.bottom);
  const r = (n: number) => Math.round(n * 10) / 10;
  let line = `M${r(x(t0))},${r(y(pts[0].size))}`;
  for (const p of pts.slice(1)) line += `H${r(x(p.at.getTime()))}V${r(y(p.size))}`;
  line += `H${r(x(t1))}`;
  const area = `${line}V${r(y(0))}H${r(x(t0))}Z`;
  const yTicks = (Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top]).map((s) => ({ y: r(y(s)), label: compactNumber(s) }));
  // Within two days the dates alone would say little: add the time of day (and the seconds
  // within two hours).
  const span = t1 - t0;
  const when = (t: number) =>
    span < 2 * 3600_000
      ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`
      : span < 2 * 86400_000
        ? formatDateTime(new Date(t))
        : formatDate(new Date(t));
  const xLabels = [
    { x: r(x(t0)), label: when(t0), anchor: 'start' as const },
    { x: r(x(t1)), label: when(t1), anchor: 'end' as const },
  ];
  return { line, area, yTicks, xLabels, top };
}

export function LogChart({ points, now }: { points: GrowthPoint[]; now: Date }) {
  const g = chartGeometry(points, now);
  const first = points[0];
  const last = points[points.length - 1];
  const desc = first
    ? `The log grew from ${first.size.toLocaleString('en-US')} entries at ${formatDateTime(first.at)} to ${last.size.toLocaleString('en-US')} at ${formatDateTime(last.at)}.`
    : 'The log has no checkpoints yet.';
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">
        <title id="chart-title">Log size over time</title>
        <desc id="chart-desc">{desc}</desc>
        {g.yTicks.map((t) => (
          <g class="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={t.y} y2={t.y} class="grid" />
            <text x={PAD.left - 8} y={t.y + 4} text-anchor="end">
              {t.label}
            </text>
          </g>
        ))}
        <path d={g.area} class="area" />
        <path d={g.line} class="line" />
        {g.xLabels.map((l) => (
          <text x={l.x} y={H - 10} text-anchor={l.anchor} class="xlabel">
            {l.label}
          </text>
        ))}
      </svg>
      <figcaption>{desc}</figcaption>
    </figure>
  );
}
