import { describe, expect, it } from 'vitest';
import { seriesFromArrays, type CandleSeries } from '../../../../src/core/candles.js';
import { computeMetrics } from '../../../../src/core/metrics.js';
import { equityFromTrades } from '../../../../src/report/html/equity-from-trades.js';
import { escapeHtml, jsonForScript } from '../../../../src/report/html/escape.js';
import { renderHtmlReport } from '../../../../src/report/html/render-html.js';
import type { ReportInput } from '../../../../src/report/html/report-input.js';
import type { TradeRecord } from '../../../../src/report/result.js';

const MIN = 60_000;
const EVIL = `</script><script>alert("x")</script><img src=x onerror=alert(1)>`;

/** A seeded random walk of 1m candles, like a BTC quarter. */
function walk(n: number, seed = 7): CandleSeries {
  let s = seed;
  const rnd = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100_000;
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = Math.round((o + (rnd() - 0.5) * 120) * 100) / 100;
    cols.time[i] = Date.UTC(2025, 4, 20) + i * MIN;
    cols.open[i] = o;
    cols.close[i] = c;
    cols.high[i] = Math.round((Math.max(o, c) + rnd() * 40) * 100) / 100;
    cols.low[i] = Math.round((Math.min(o, c) - rnd() * 40) * 100) / 100;
    cols.volume[i] = 1;
    p = c;
  }
  return seriesFromArrays(cols, MIN, n);
}

/** `count` round trips spread over the series, with exact decimal strings like a backtest's. */
function tradesOn(s: CandleSeries, count: number): TradeRecord[] {
  const out: TradeRecord[] = [];
  const span = Math.floor(s.length / count);
  for (let k = 0; k < count; k++) {
    const a = k * span + 1;
    const b = a + Math.max(1, Math.floor(span / 2));
    const qty = 0.0951234567;
    const pe = s.open[a]!;
    const px = s.open[b]!;
    const fees = (qty * pe + qty * px) * 0.001;
    const pnl = qty * (px - pe) - fees;
    out.push({
      symbol: 'BTC/USDT', side: 'long', entryTime: s.time[a]!, exitTime: s.time[b]!, entryPrice: String(pe), exitPrice: String(px), qty: String(qty), fees: fees.toFixed(12), pnl: pnl.toFixed(12),
      returnPct: pnl / (qty * pe), exitReason: k % 3 === 0 ? 'stop-loss' : 'signal', open: false,
    });
  }
  return out;
}

function inputFor(s: CandleSeries, trades: TradeRecord[], name = 'ema-cross'): ReportInput {
  const equity = equityFromTrades(s, trades, 10_000);
  const metrics = computeMetrics({ equity, time: s.time, timeframeMs: MIN, startEquity: 10_000, trades: trades.map((t) => ({ pnl: Number(t.pnl), open: t.open })), barsInMarket: 0, feesPaid: 0, buyAndHoldReturn: 0 });
  return {
    kind: 'backtest',
    title: `Backtest: ${name}`,
    producedBy: '0.1.0',
    strategy: { name, params: { fast: 12, [EVIL]: EVIL } },
    settings: [['Cash', '10000']],
    provenance: { source: `data/${EVIL}.csv`, symbol: 'BTC/USDT', timeframe: '1m', from: s.time[0]!, to: s.time[s.length - 1]!, candles: s.length, gaps: [] },
    metrics,
    trades,
    startEquity: 10_000,
    candles: s,
    equity: { time: s.time, value: equity, perBar: true },
    notes: [`a note about ${EVIL}`],
  };
}

describe('escaping', () => {
  it('escapes markup in text and keeps JSON free of anything that could close a script element', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const json = jsonForScript({ s: EVIL, t: 'a\u2028b' });
    expect(json).not.toMatch(/[<>\u2028]/);
    expect(JSON.parse(json)).toEqual({ s: EVIL, t: 'a\u2028b' });
  });
});

describe('the HTML report page', () => {
  it('carries user-controlled text only escaped or as JSON data: no injected element survives', async () => {
    const s = walk(2_000);
    const { html } = await renderHtmlReport(inputFor(s, tradesOn(s, 20), EVIL));
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert');
    // our scripts only: uPlot, the client files, and the JSON data
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.filter((t) => t === '<script type="application/json" id="report-data">')).toHaveLength(1);
    expect(scripts.length).toBeGreaterThan(3);
  });

  it('allows no request and only its own scripts (CSP by hash)', async () => {
    const s = walk(500);
    const { html } = await renderHtmlReport(inputFor(s, tradesOn(s, 5)));
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src &#39;none&#39;; script-src (&#39;sha256-[A-Za-z0-9+/=]+&#39; ?)+;/);
    expect(html).not.toMatch(/\b(src|href)="https?:/i);
  });

  it('stays under 1 MB for a quarter of 1m candles and 2,249 trades, with finer candles for zoom', async () => {
    const s = walk(130_708);
    const r = await renderHtmlReport(inputFor(s, tradesOn(s, 2_249)));
    expect(r.bytes).toBeLessThanOrEqual(1_000_000);
    expect(Buffer.byteLength(r.html)).toBe(r.bytes);
    expect(r.levels[r.levels.length - 1]).toBe('1h'); // the overview
    expect(r.levels.length).toBeGreaterThanOrEqual(3); // and at least two finer levels to zoom into
    expect(r.omittedLevels).toContain('1m');
  }, 60_000); // ~1.5 s of CPU: a quarter of 1m candles, rendered for real

  it('embeds every level when the data is small, and drops fine levels first when the budget is tight', async () => {
    const s = walk(5_000);
    const all = await renderHtmlReport(inputFor(s, tradesOn(s, 50)));
    expect(all.levels).toEqual(['1m', '5m']);
    expect(all.omittedLevels).toEqual([]);
    const tight = await renderHtmlReport(inputFor(s, tradesOn(s, 50)), { maxBytes: all.bytes - 40_000 });
    expect(tight.levels).toEqual(['5m']);
    expect(tight.omittedLevels).toEqual(['1m']);
    expect(tight.bytes).toBeLessThanOrEqual(all.bytes - 40_000);
  });
});
