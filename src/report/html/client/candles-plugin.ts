// uPlot draws lines; candles and trade markers are drawn here, in the chart's draw hook.
// Data layout of the price chart: [time, open, high, low, close].

interface Marker {
  time: number; // seconds
  price: number;
  kind: 'entry' | 'exit';
  trade: Trade;
}

const UP = '#16a34a';
const DOWN = '#dc2626';

function drawCandles(u: uPlot): void {
  const [t, o, h, l, c] = u.data as unknown as number[][];
  if (!t || !o || !h || !l || !c || t.length === 0) return;
  const ctx = u.ctx;
  const first = Math.max(0, (u.series[0]!.idxs?.[0] ?? 0) - 1);
  const last = Math.min(t.length - 1, (u.series[0]!.idxs?.[1] ?? t.length - 1) + 1);
  const visible = Math.max(1, last - first + 1);
  const slot = u.bbox.width / visible;
  const body = Math.max(1, Math.min(slot * 0.7, 14 * devicePixelRatio));
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  for (const up of [true, false]) {
    ctx.fillStyle = up ? UP : DOWN;
    ctx.strokeStyle = up ? UP : DOWN;
    ctx.lineWidth = Math.max(1, Math.round(devicePixelRatio));
    ctx.beginPath();
    for (let i = first; i <= last; i++) {
      if (c[i]! >= o[i]! !== up) continue;
      const x = Math.round(u.valToPos(t[i]!, 'x', true));
      const yh = u.valToPos(h[i]!, 'y', true);
      const yl = u.valToPos(l[i]!, 'y', true);
      ctx.moveTo(x + 0.5, yh);
      ctx.lineTo(x + 0.5, yl);
    }
    ctx.stroke();
    for (let i = first; i <= last; i++) {
      if (c[i]! >= o[i]! !== up) continue;
      const x = u.valToPos(t[i]!, 'x', true);
      const yo = u.valToPos(o[i]!, 'y', true);
      const yc = u.valToPos(c[i]!, 'y', true);
      ctx.fillRect(Math.round(x - body / 2), Math.min(yo, yc), Math.round(body), Math.max(1, Math.abs(yc - yo)));
    }
  }
  ctx.restore();
}

function drawMarkers(u: uPlot, markers: Marker[]): void {
  const min = u.scales.x!.min ?? -Infinity;
  const max = u.scales.x!.max ?? Infinity;
  const ctx = u.ctx;
  let visible = 0;
  for (const m of markers) if (m.time >= min && m.time <= max) visible++;
  // dense markers shrink so the candles under them stay visible
  const s = (visible > 400 ? 2.5 : visible > 120 ? 3.5 : 5) * devicePixelRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  ctx.lineWidth = devicePixelRatio;
  ctx.strokeStyle = '#fff';
  for (const kind of ['entry', 'exit'] as const) {
    ctx.fillStyle = kind === 'entry' ? '#2563eb' : '#f59e0b';
    ctx.beginPath();
    for (const m of markers) {
      if (m.kind !== kind || m.time < min || m.time > max) continue;
      const x = u.valToPos(m.time, 'x', true);
      const y = u.valToPos(m.price, 'y', true);
      if (kind === 'entry') {
        // ▲ under the entry price
        ctx.moveTo(x, y + 2);
        ctx.lineTo(x - s, y + 2 + s * 1.6);
        ctx.lineTo(x + s, y + 2 + s * 1.6);
      } else {
        // ▼ over the exit price
        ctx.moveTo(x, y - 2);
        ctx.lineTo(x - s, y - 2 - s * 1.6);
        ctx.lineTo(x + s, y - 2 - s * 1.6);
      }
      ctx.closePath();
    }
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/** The marker nearest the cursor (CSS px in the plotting area), within `radius` px. */
function markerAt(u: uPlot, markers: Marker[], left: number, top: number, radius = 9): Marker | null {
  let best: Marker | null = null;
  let bestD = radius * radius;
  const min = u.scales.x!.min ?? -Infinity;
  const max = u.scales.x!.max ?? Infinity;
  for (const m of markers) {
    if (m.time < min || m.time > max) continue;
    const dx = u.valToPos(m.time, 'x') - left;
    const dy = u.valToPos(m.price, 'y') + (m.kind === 'entry' ? 8 : -8) - top;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = m;
    }
  }
  return best;
}
