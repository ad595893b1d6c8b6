import { Chalk } from 'chalk';

export interface EquityChartOptions {
  /** total columns, labels and axis included */
  width: number;
  /** rows of the plot area (at least 2), not counting the x axis and the date line */
  height: number;
  color: boolean;
  /** label the start equity on the y axis (where it is not the max or min row) */
  startLabel?: boolean;
  /** a drawdown line under the chart: how far below its running peak the equity is, per column */
  drawdown?: boolean;
  /** a benchmark drawn in dim dots under the equity line (buy-and-hold), with a legend line */
  benchmark?: { time: number; equity: number }[];
}

/** Braille dot bits, indexed [x within cell 0..1][y within cell 0..3]. */
const DOT: readonly (readonly number[])[] = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];
const BRAILLE_BASE = 0x2800;
const DAY_MS = 86_400_000;

/**
 * A terminal line chart of an equity curve in Unicode braille (2x4 dots per character):
 * max and min labels on the y axis, start and end dates (UTC) under the x axis.
 * Points are placed by time and downsampled to the available columns; each column keeps the
 * range of the points that fall into it, so a dip between samples is not lost.
 * Returns the chart as lines joined by '\n' (no trailing newline); never prints.
 */
export function renderEquityChart(points: { time: number; equity: number }[], opts: EquityChartOptions): string {
  const width = Math.max(1, Math.floor(opts.width));
  const height = Math.max(2, Math.floor(opts.height));
  const c = new Chalk({ level: opts.color ? 1 : 0 });

  const pts = points.filter((p) => Number.isFinite(p.time) && Number.isFinite(p.equity));
  if (pts.length === 0) return c.dim('(no equity data)'.slice(0, width));

  let min = Infinity;
  let max = -Infinity;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const p of pts) {
    if (p.equity < min) min = p.equity;
    if (p.equity > max) max = p.equity;
    if (p.time < t0) t0 = p.time;
    if (p.time > t1) t1 = p.time;
  }
  // the benchmark shares the equity's time span and widens its value range
  const bench = (opts.benchmark ?? []).filter((p) => Number.isFinite(p.time) && Number.isFinite(p.equity) && p.time >= t0 && p.time <= t1);
  for (const p of bench) {
    if (p.equity < min) min = p.equity;
    if (p.equity > max) max = p.equity;
  }

  let [maxLabel, minLabel] = axisLabels(min, max);
  const dp = maxLabel.includes('.') ? maxLabel.length - maxLabel.indexOf('.') - 1 : 0;
  let startLabel = opts.startLabel ? groupThousands(pts[0]!.equity.toFixed(dp)) : '';
  let labelW = Math.max(maxLabel.length, minLabel.length, startLabel.length);
  if (width - labelW - 2 < 4) {
    // Too narrow for labels: give the room to the plot.
    maxLabel = minLabel = startLabel = '';
    labelW = 0;
  }
  const plotW = Math.max(1, width - labelW - 2);
  const dotW = plotW * 2;
  const dotH = height * 4;

  // Per dot column: first, last, min and max equity of the points that fall into it.
  const first = new Float64Array(dotW).fill(NaN);
  const last = new Float64Array(dotW).fill(NaN);
  const lo = new Float64Array(dotW).fill(NaN);
  const hi = new Float64Array(dotW).fill(NaN);
  const span = t1 - t0;
  if (pts.length === 1) {
    const v = pts[0]!.equity;
    first.fill(v);
    last.fill(v);
    lo.fill(v);
    hi.fill(v);
  } else {
    pts.forEach((p, i) => {
      const frac = span > 0 ? (p.time - t0) / span : i / (pts.length - 1);
      const x = Math.min(dotW - 1, Math.max(0, Math.round(frac * (dotW - 1))));
      const v = p.equity;
      if (Number.isNaN(first[x]!)) {
        first[x] = v;
        lo[x] = v;
        hi[x] = v;
      } else {
        if (v < lo[x]!) lo[x] = v;
        if (v > hi[x]!) hi[x] = v;
      }
      last[x] = v;
    });
    // Columns no point fell into: interpolate between the neighbours.
    let prev = -1;
    for (let x = 0; x < dotW; x++) {
      if (Number.isNaN(first[x]!)) continue;
      if (prev >= 0 && x - prev > 1) {
        const a = last[prev]!;
        const b = first[x]!;
        for (let k = prev + 1; k < x; k++) {
          const v = a + ((b - a) * (k - prev)) / (x - prev);
          first[k] = last[k] = lo[k] = hi[k] = v;
        }
      }
      prev = x;
    }
  }

  const yOf = (v: number): number => (max === min ? Math.floor((dotH - 1) / 2) : Math.round(((max - v) / (max - min)) * (dotH - 1)));

  const cells = new Uint8Array(plotW * height);
  const setDot = (x: number, y: number): void => {
    cells[(y >> 2) * plotW + (x >> 1)]! |= DOT[x & 1]![y & 3]!;
  };
  for (let x = 0; x < dotW; x++) {
    if (Number.isNaN(first[x]!)) continue;
    let top = hi[x]!;
    let bottom = lo[x]!;
    if (x > 0 && !Number.isNaN(last[x - 1]!)) {
      // Connect to the previous column so a step reads as a line, not two dots.
      top = Math.max(top, last[x - 1]!);
      bottom = Math.min(bottom, last[x - 1]!);
    }
    for (let y = yOf(top); y <= yOf(bottom); y++) setDot(x, y);
  }
  // the benchmark: one dot per dot column (its last value there), every other column, so it reads dotted
  const benchCells = new Uint8Array(plotW * height);
  if (bench.length > 0) {
    const at = new Float64Array(dotW).fill(NaN);
    for (const p of bench) {
      const frac = t1 > t0 ? (p.time - t0) / (t1 - t0) : 0;
      at[Math.min(dotW - 1, Math.max(0, Math.round(frac * (dotW - 1))))] = p.equity;
    }
    for (let x = 0; x < dotW; x += 2) {
      const v = at[x]!;
      if (Number.isNaN(v)) continue;
      const y = yOf(v);
      benchCells[(y >> 2) * plotW + (x >> 1)]! |= DOT[x & 1]![y & 3]!;
    }
  }

  const startRow = startLabel ? yOf(pts[0]!.equity) >> 2 : -1;
  const rising = pts[pts.length - 1]!.equity >= pts[0]!.equity;
  const line = rising ? c.green : c.red;
  const lines: string[] = [];
  for (let row = 0; row < height; row++) {
    // runs of equity cells in the line's colour, cells with only benchmark dots dim
    const parts: { own: boolean; text: string }[] = [];
    for (let col = 0; col < plotW; col++) {
      const own = cells[row * plotW + col]!;
      const bits = own | benchCells[row * plotW + col]!;
      const ch = bits ? String.fromCharCode(BRAILLE_BASE + bits) : ' ';
      const isOwn = own !== 0 || bits === 0;
      const lastPart = parts[parts.length - 1];
      if (lastPart && lastPart.own === isOwn) lastPart.text += ch;
      else parts.push({ own: isOwn, text: ch });
    }
    while (parts.length > 0 && parts[parts.length - 1]!.text.trim() === '') parts.pop();
    if (parts.length > 0) parts[parts.length - 1]!.text = parts[parts.length - 1]!.text.trimEnd();
    const plot = parts.map((p) => (p.own ? line(p.text) : c.dim(p.text))).join('');
    const label = row === 0 ? maxLabel : row === height - 1 ? minLabel : row === startRow ? startLabel : '';
    const tick = label ? '┤' : '│';
    lines.push(c.dim(`${label.padStart(labelW)} ${tick}`) + plot);
  }
  lines.push(c.dim(`${' '.repeat(labelW)} └${'─'.repeat(plotW)}`));

  const dates = dateLine(t0, t1, plotW);
  if (dates) lines.push(' '.repeat(labelW + 2) + c.dim(dates));
  if (bench.length > 0) {
    const legend = `${String.fromCharCode(BRAILLE_BASE + 0x24)} strategy   ${String.fromCharCode(BRAILLE_BASE + 0x04)} buy and hold`;
    if (legend.length <= plotW) lines.push(' '.repeat(labelW + 2) + c.dim(legend));
  }
  if (opts.drawdown) {
    const dd = drawdownLine(first, lo, hi, plotW);
    if (dd) {
      const label = `-${(dd.worst * 100).toFixed(1)}%`;
      if (labelW === 0 || label.length <= labelW) lines.push(c.dim(`${label.padStart(labelW)} ┤`) + c.red(dd.text.trimEnd()));
    }
  }
  return lines.join('\n');
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';

/**
 * The drawdown under each plot column as one row of blocks, deeper = taller, scaled to the worst
 * (labelled); null when the equity never fell below a previous peak.
 */
function drawdownLine(first: Float64Array, lo: Float64Array, hi: Float64Array, plotW: number): { text: string; worst: number } | null {
  const per = new Float64Array(plotW);
  let peak = -Infinity;
  let worst = 0;
  for (let x = 0; x < first.length; x++) {
    if (Number.isNaN(first[x]!)) continue;
    // the peak before this column's low counts: a fall within the column is a drawdown too
    peak = Math.max(peak, first[x]!);
    const d = peak > 0 ? (peak - lo[x]!) / peak : 0;
    peak = Math.max(peak, hi[x]!);
    const col = x >> 1;
    if (d > per[col]!) per[col] = d;
    if (d > worst) worst = d;
  }
  if (!(worst > 0)) return null;
  let text = '';
  for (let col = 0; col < plotW; col++) text += BLOCKS[Math.round((per[col]! / worst) * (BLOCKS.length - 1))]!;
  return { text, worst };
}

/** Labels for the y axis, with enough decimals (2 to 8) that max and min read differently. */
function axisLabels(min: number, max: number): [string, string] {
  let dp = 2;
  let hiL = groupThousands(max.toFixed(dp));
  let loL = groupThousands(min.toFixed(dp));
  while (max !== min && hiL === loL && dp < 8) {
    dp++;
    hiL = groupThousands(max.toFixed(dp));
    loL = groupThousands(min.toFixed(dp));
  }
  return [hiL, loL];
}

function groupThousands(fixed: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(fixed);
  if (!m) return fixed; // exponent form for huge values: leave as is
  return m[1]! + m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] ?? '');
}

/** Start date at the left edge, end date at the right edge of the plot; what fits. */
function dateLine(t0: number, t1: number, plotW: number): string {
  const withTime = t1 - t0 < 2 * DAY_MS;
  const fmt = (t: number): string => {
    const iso = new Date(t).toISOString();
    return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  };
  const start = fmt(t0);
  const end = fmt(t1);
  if (start === end) return start.length <= plotW ? start : '';
  if (start.length + 1 + end.length <= plotW) return start + ' '.repeat(plotW - start.length - end.length) + end;
  return start.length <= plotW ? start : '';
}
