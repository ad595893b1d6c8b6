// The report's uPlot charts: price (candles and trades), equity against buy-and-hold, drawdown.
// They share one x range: zooming one zooms all. On zoom the price chart swaps to the finest
// embedded candle level that keeps the bars in view under MAX_VISIBLE_BARS; the equity charts
// follow that level when it carries equity per bar, and show the LTTB overview otherwise.

const MAX_VISIBLE_BARS = 2500;
const SYNC_KEY = 'tradebot';

interface ChartSet {
  charts: uPlot[];
  price: uPlot | null;
  onLevel: (level: Level) => void;
}

function axisValues(_u: uPlot, splits: number[]): string[] {
  return splits.map((v) => (Math.abs(v) >= 1000 ? fmtNum(v, 0) : Math.abs(v) >= 1 ? fmtNum(v, 2) : String(Number(v.toPrecision(3)))));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Time ticks in UTC, 24-hour: "Mar 5" at midnight and for daily steps, "14:30" within a day. */
function timeValues(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  return splits.map((ts, i) => {
    const d = new Date(ts * 1000);
    const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
    const withYear = i === 0 || d.getUTCMonth() === 0 && d.getUTCDate() === 1 ? `${day} ${d.getUTCFullYear()}` : day;
    if (incr >= 86_400 || (d.getUTCHours() === 0 && d.getUTCMinutes() === 0)) return incr >= 28 * 86_400 ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}` : withYear;
    return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  });
}

function baseOptions(title: string, width: number, height: number): uPlot.Options {
  return {
    title: '',
    width,
    height,
    legend: { show: true, live: true },
    cursor: { sync: { key: SYNC_KEY, setSeries: false }, drag: { x: true, y: false, setScale: true } },
    scales: { x: { time: true } },
    axes: [{ stroke: '#656d76', grid: { stroke: '#eaeef2' }, values: timeValues }, { stroke: '#656d76', grid: { stroke: '#eaeef2' }, values: axisValues, size: 70 }],
    series: [{ label: title, value: (_u, ts) => (ts == null ? '–' : fmtTime(ts * 1000)) }],
    tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
  };
}

function chartWidth(el: HTMLElement): number {
  return Math.max(320, el.clientWidth || document.body.clientWidth - 40);
}

function priceChart(el: HTMLElement, level: Level, markers: Marker[], levelLabel: HTMLElement | null): uPlot {
  const opts = baseOptions('Time (UTC)', chartWidth(el), 380);
  const hidden: uPlot.Series = { paths: () => null, points: { show: false }, stroke: 'transparent' };
  opts.series.push(
    { ...hidden, label: 'Open', value: (_u, v) => (v == null ? '–' : fmtPrice(v)) },
    { ...hidden, label: 'High', value: (_u, v) => (v == null ? '–' : fmtPrice(v)) },
    { ...hidden, label: 'Low', value: (_u, v) => (v == null ? '–' : fmtPrice(v)) },
    { ...hidden, label: 'Close', value: (_u, v) => (v == null ? '–' : fmtPrice(v)) },
  );
  opts.scales!.y = { auto: true };
  let tip: Tip | null = null;
  opts.hooks = {
    draw: [
      (u) => {
        drawCandles(u);
        drawMarkers(u, markers);
      },
    ],
    init: [
      (u) => {
        tip = new Tip(u.over);
      },
    ],
    setCursor: [
      (u) => {
        const { left, top } = u.cursor;
        if (left === undefined || top === undefined || left < 0 || !tip) return tip?.hide();
        const m = markerAt(u, markers, left, top);
        if (!m) return tip.hide();
        tip.show(markerText(m), left, top, u.over.clientWidth);
      },
    ],
  };
  if (levelLabel) levelLabel.textContent = `${level.timeframe} candles`;
  return new uPlot(opts, levelData(level), el);
}

function markerText(m: Marker): string {
  const t = m.trade;
  if (m.kind === 'entry') return `Trade ${t.n} entry\n${fmtTime(t.entry)} UTC\nbought ${t.qty} at ${t.entryPrice}`;
  const ret = `${t.ret >= 0 ? '+' : ''}${fmtPct(t.ret)}`;
  return `Trade ${t.n} exit: ${t.reason ?? 'open'}\n${fmtTime(t.exit ?? t.entry)} UTC\nsold at ${t.exitPrice ?? '–'}\nPnL ${t.pnl} (${ret})`;
}

function levelData(level: Level): uPlot.AlignedData {
  return [level.time, level.open, level.high, level.low, level.close];
}

function equityChart(el: HTMLElement, line: Line, hasBuyAndHold: boolean): uPlot {
  const opts = baseOptions('Time (UTC)', chartWidth(el), 260);
  opts.series.push({ label: 'Strategy', stroke: '#2563eb', width: 1.5, value: (_u, v) => (v == null ? '–' : fmtNum(v)) });
  if (hasBuyAndHold) opts.series.push({ label: 'Buy and hold', stroke: '#9ca3af', width: 1, value: (_u, v) => (v == null ? '–' : fmtNum(v)) });
  return new uPlot(opts, [line.time, ...line.values.slice(0, hasBuyAndHold ? 2 : 1)], el);
}

function underwaterChart(el: HTMLElement, line: Line): uPlot {
  const opts = baseOptions('Time (UTC)', chartWidth(el), 170);
  opts.series.push({ label: 'Drawdown', stroke: '#dc2626', fill: 'rgba(220,38,38,0.18)', width: 1, value: (_u, v) => (v == null ? '–' : fmtPct(v)) });
  opts.axes![1]!.values = (_u: uPlot, splits: number[]) => splits.map((v) => `${Math.round(v * 1000) / 10} %`);
  opts.scales!.y = { auto: true, range: (_u, min) => [Math.min(min, -0.001), 0] };
  return new uPlot(opts, [line.time, line.values[0]!], el);
}

function simpleLineChart(el: HTMLElement, line: Line, label: string): uPlot {
  const opts = baseOptions('Time (UTC)', chartWidth(el), 240);
  opts.cursor = { drag: { x: true, y: false, setScale: true } };
  opts.series.push({ label, stroke: '#2563eb', width: 1.5, value: (_u, v) => (v == null ? '–' : fmtNum(v)) });
  return new uPlot(opts, [line.time, line.values[0]!], el);
}

/** Level equity, buy-and-hold from its closes, drawdown from its running peak. */
function levelLines(level: Level, startEquity: number, firstOpen: number): { equity: Line; underwater: Line } | null {
  if (!level.equity) return null;
  const bh = level.close.map((c) => (startEquity * c) / firstOpen);
  let peak = startEquity;
  const dd = level.equity.map((e) => {
    if (e > peak) peak = e;
    return peak > 0 ? e / peak - 1 : 0;
  });
  return { equity: { time: level.time, values: [level.equity, bh] }, underwater: { time: level.time, values: [dd] } };
}

/** The finest level that shows at most MAX_VISIBLE_BARS bars between min and max (seconds). */
function pickLevel(levels: Level[], min: number, max: number): Level {
  for (const lv of levels) {
    const bars = ((max - min) * 1000) / lv.tfMs;
    if (bars <= MAX_VISIBLE_BARS) return lv;
  }
  return levels[levels.length - 1]!;
}
