import { createHash } from 'node:crypto';
import { VERSION } from '../../version.js';
import { loadAssets, type ReportAssets } from './assets.js';
import { escapeHtml as h, inlineScript, jsonForScript } from './escape.js';
import { formatAny, formatTime, formatValue, METRIC_ROWS } from './format-values.js';
import { REPORT_CSS } from './report-css.js';
import type { ReportData } from './page-data.js';
import { buildReportData } from './report-data.js';
import type { ReportInput } from './report-input.js';

export interface RenderOptions {
  /** the page's size target in bytes: the zoom levels of the price chart fill what is left */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 1_000_000;

/** What renderHtmlReport made: the page, and the figures worth telling the user. */
export interface RenderedReport {
  html: string;
  bytes: number;
  /** candle timeframes embedded, finest first (the last is the overview) */
  levels: string[];
  omittedLevels: string[];
}

/**
 * One self-contained HTML page: styles, uPlot and our script inlined, the data embedded as JSON,
 * a Content-Security-Policy that allows no request at all (`default-src 'none'`) and only the
 * page's own scripts (by hash). Everything taken from the run is escaped or passed as JSON data.
 */
export async function renderHtmlReport(input: ReportInput, opts: RenderOptions = {}): Promise<RenderedReport> {
  const assets = await loadAssets();
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  // Everything but the candle levels first, to know what the levels may use.
  const bare = page(input, buildReportData(input, { levelBudget: 0 }), assets);
  const budget = Math.max(0, maxBytes - Buffer.byteLength(bare) - 2_000);
  const data = buildReportData(input, { levelBudget: budget });
  const html = page(input, data, assets);
  return { html, bytes: Buffer.byteLength(html), levels: data.levels.map((l) => l.timeframe), omittedLevels: data.omittedLevels };
}

function page(input: ReportInput, data: ReportData, assets: ReportAssets): string {
  const scripts = [assets.uplotJs, ...assets.client].map(inlineScript);
  const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  const csp = `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tradebot ${h(VERSION)}">
<title>${h(input.title)}</title>
<style>${assets.uplotCss}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
${header(input)}
${notes(input, data)}
<main>
${metricsSection(input)}
${chartsSection(input, data)}
${monthlySection(data)}
${tradesSection(input)}
${optimizeSection(input)}
${walkForwardSection(input, data)}
${settingsSection(input)}
${provenanceSection(input, data)}
</main>
<footer>
<p>Written by tradebot ${h(VERSION)}${input.producedBy !== VERSION ? ` from a run of tradebot ${h(input.producedBy)}` : ''}. Opens offline: no request leaves this page.</p>
<details><summary>Charts drawn with uPlot ${h(assets.uplotVersion)} (MIT license)</summary><pre>${h(assets.uplotLicense)}</pre></details>
</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}

function header(input: ReportInput): string {
  const p = input.provenance;
  const bits: string[] = [];
  if (input.strategy) bits.push(`${input.strategy.name}${paramsText(input.strategy.params)}`);
  if (p) bits.push(`${p.symbol} ${p.timeframe}`, `${formatTime(p.from)} → ${formatTime(p.to)} UTC`, `${p.candles.toLocaleString('en-US')} candles`);
  return `<header><h1>${h(input.title)}</h1><p class="sub">${bits.map(h).join(' · ')}</p></header>`;
}

function paramsText(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '' : ` (${entries.map(([k, v]) => `${k}=${formatAny(v)}`).join(', ')})`;
}

function notes(input: ReportInput, data: ReportData): string {
  const all = [...input.notes];
  if (data.omittedLevels.length > 0) {
    const finest = data.levels[0]?.timeframe ?? '';
    all.push(`Zoom goes down to ${finest} candles: ${data.omittedLevels.join(', ')} left out to keep the file small.`);
  }
  return all.length === 0 ? '' : `<aside class="notes"><ul>${all.map((n) => `<li>${h(n)}</li>`).join('')}</ul></aside>`;
}

function metricsSection(input: ReportInput): string {
  const m = input.metrics;
  if (!m) return '';
  const cells = METRIC_ROWS.map(({ key, label, kind }) => `<div class="metric"><span>${h(label)}</span><b>${h(formatValue(m[key], kind))}</b></div>`);
  return `<section id="metrics"><h2>Metrics</h2><div class="metrics">${cells.join('')}</div></section>`;
}

function chartsSection(input: ReportInput, data: ReportData): string {
  const out: string[] = [];
  if (data.levels.length > 0) {
    out.push(
      `<section id="price-section"><h2>Price and trades</h2><p class="hint">Drag to zoom, double-click to zoom out; finer candles appear as you zoom in. Hover a marker for the trade.</p><div class="chart" id="price-chart"></div><p class="hint" id="price-level"></p></section>`,
    );
  }
  if (data.equity) {
    out.push(`<section id="equity-section"><h2>${data.hasBuyAndHold ? 'Equity against buy-and-hold' : 'Equity'}</h2><div class="chart" id="equity-chart"></div></section>`);
    out.push(`<section id="underwater-section"><h2>Drawdown (underwater)</h2><div class="chart" id="underwater-chart"></div></section>`);
  }
  void input;
  return out.join('\n');
}

function monthlySection(data: ReportData): string {
  const m = data.monthly;
  if (!m || m.years.length === 0) return '';
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const max = Math.max(1e-9, ...m.years.flatMap((y) => y.months.filter((v): v is number => v !== null).map(Math.abs)));
  const cell = (v: number | null) => (v === null ? '<td class="empty"></td>' : `<td style="background:${heat(v / max)}">${h(formatValue(v, 'pct'))}</td>`);
  const rows = m.years.map((y) => `<tr><th>${y.year}</th>${y.months.map(cell).join('')}<td class="total">${h(formatValue(y.total, 'pct'))}</td></tr>`);
  return `<section id="monthly-section"><h2>Monthly returns</h2><div class="scroll"><table class="heat"><thead><tr><th></th>${months.map((x) => `<th>${x}</th>`).join('')}<th>Year</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

/** -1 (deep red) .. 0 (white) .. 1 (deep green) */
export function heat(x: number): string {
  const t = Math.max(-1, Math.min(1, x));
  const a = Math.round(Math.sqrt(Math.abs(t)) * 70) / 100;
  return t >= 0 ? `rgba(22,163,74,${a})` : `rgba(220,38,38,${a})`;
}

function tradesSection(input: ReportInput): string {
  if (input.trades.length === 0 && input.kind !== 'backtest' && input.kind !== 'paper' && input.kind !== 'live') return '';
  const cols: [string, string][] = [
    ['n', '#'],
    ['symbol', 'Pair'],
    ['entry', 'Entry (UTC)'],
    ['exit', 'Exit (UTC)'],
    ['held', 'Held'],
    ['entryPrice', 'Entry price'],
    ['exitPrice', 'Exit price'],
    ['qty', 'Quantity'],
    ['fees', 'Fees'],
    ['pnl', 'PnL'],
    ['ret', 'Return'],
    ['reason', 'Exit reason'],
  ];
  return `<section id="trades-section"><h2>Trades (${input.trades.length.toLocaleString('en-US')})</h2><p class="hint">Click a column to sort; 100 trades a page.</p><div class="scroll tall"><table id="trades" class="data"><thead><tr>${cols
    .map(([k, l]) => `<th data-key="${k}" tabindex="0">${h(l)}</th>`)
    .join('')}</tr></thead><tbody></tbody></table></div></section>`;
}

const ROBUSTNESS_LABELS: Record<string, string> = {
  dsr: 'Deflated Sharpe ratio',
  psr: 'Probabilistic Sharpe ratio',
  sharpe: 'Sharpe of the best trial (per period)',
  periods: 'Periods',
  skew: 'Skewness',
  kurtosis: 'Kurtosis (ordinary)',
  trials: 'Trials',
  sharpeVariance: 'Sharpe variance across trials',
  expectedMaxSharpe: 'Expected maximum Sharpe',
  pbo: 'Probability of backtest overfitting',
  minBacktestLength: 'Minimum backtest length',
};

function optimizeSection(input: ReportInput): string {
  const o = input.optimize;
  if (!o) return '';
  const out: string[] = [`<section id="optimize-section"><h2>Optimization: ${h(o.objective)} over ${o.trials.length.toLocaleString('en-US')} trials</h2>`];
  if (o.x !== null && o.y !== null) {
    out.push(`<p class="hint">Best ${h(o.objective)} for each ${h(o.x)} (across) and ${h(o.y)} (down), other parameters free. Choose the axes with --x and --y.</p><div id="heatmap" class="heatmap"></div>`);
  }
  if (o.robustness) out.push(`<h3>Robustness</h3>${kvTable(flatten(o.robustness).map(([k, v]) => [ROBUSTNESS_LABELS[k] ?? k, formatAny(v)]))}`);
  const ranked = o.trials.filter((t) => t.objective !== null).sort((a, b) => b.objective! - a.objective!).slice(0, 20);
  if (ranked.length > 0) {
    const metricKeys = ['totalReturn', 'maxDrawdown', 'trades', 'winRate'];
    out.push(
      `<h3>Best trials</h3><div class="scroll"><table class="data"><thead><tr><th>#</th><th>Parameters</th><th>${h(o.objective)}</th>${metricKeys.map((k) => `<th>${h(k)}</th>`).join('')}</tr></thead><tbody>${ranked
        .map(
          (t, i) =>
            `<tr><td>${i + 1}</td><td>${h(paramsText(t.params).slice(2, -1))}</td><td>${h(formatAny(t.objective))}</td>${metricKeys.map((k) => `<td>${h(formatAny(t.metrics[k] ?? null))}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table></div>`,
    );
  }
  out.push('</section>');
  return out.join('');
}

/** Nested objects as dotted keys: monteCarlo.finalReturn.p5 */
function flatten(o: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
    else out.push([key, v]);
  }
  return out;
}

function walkForwardSection(input: ReportInput, data: ReportData): string {
  const wf = input.walkForward;
  if (!wf) return '';
  const rows = wf.windows.map(
    (w, i) =>
      `<tr><td>${i + 1}</td><td>${h(formatTime(w.train.from))} → ${h(formatTime(w.train.to))}</td><td>${h(formatTime(w.test.from))} → ${h(formatTime(w.test.to))}</td><td>${h(paramsText(w.params).slice(2, -1))}</td><td>${h(formatAny(w.inSample))}</td><td>${h(formatAny(w.outOfSample))}</td><td>${h(formatAny(w.efficiency))}</td></tr>`,
  );
  const metrics = wf.metrics ? `<h3>Out-of-sample metrics</h3>${kvTable(Object.entries(wf.metrics).map(([k, v]) => [k, formatAny(v)]))}` : '';
  return `<section id="walk-forward-section"><h2>Walk-forward: ${wf.windows.length} windows, ${h(wf.objective)}</h2><div class="scroll"><table class="data"><thead><tr><th>#</th><th>Train (UTC)</th><th>Test (UTC)</th><th>Chosen parameters</th><th>In-sample</th><th>Out-of-sample</th><th>Efficiency</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${
    data.walkForwardEquity ? '<h3>Stitched out-of-sample equity</h3><div class="chart" id="walk-forward-chart"></div>' : ''
  }${metrics}</section>`;
}

function settingsSection(input: ReportInput): string {
  const rows: [string, string][] = [];
  if (input.strategy) {
    rows.push(['Strategy', input.strategy.name]);
    for (const [k, v] of Object.entries(input.strategy.params)) rows.push([`  ${k}`, formatAny(v)]);
  }
  rows.push(...input.settings);
  return rows.length === 0 ? '' : `<section id="settings-section"><h2>Settings</h2>${kvTable(rows)}</section>`;
}

function provenanceSection(input: ReportInput, data: ReportData): string {
  const p = input.provenance;
  if (!p) return '';
  const rows: [string, string][] = [
    ['Data', p.source],
    ['Pair', p.symbol],
    ['Timeframe', p.timeframe],
    ['First candle', `${formatTime(p.from)} UTC`],
    ['Last candle', `${formatTime(p.to)} UTC`],
    ['Candles', p.candles.toLocaleString('en-US')],
  ];
  if (p.fileSha256) rows.push(['File SHA-256', p.fileSha256]);
  if (p.candlesSha256) rows.push(['Candles SHA-256', p.candlesSha256]);
  const missing = p.gaps.reduce((a, g) => a + g.missing, 0);
  rows.push(['Gaps', p.gaps.length === 0 ? 'none' : `${p.gaps.length} (${missing.toLocaleString('en-US')} candles missing)`]);
  if (data.levels.length > 0) rows.push(['Chart detail', `${data.levels.map((l) => l.timeframe).join(', ')} candles`]);
  const shown = p.gaps.slice(0, 50);
  const gapList =
    shown.length === 0
      ? ''
      : `<details><summary>Gaps${p.gaps.length > shown.length ? ` (first ${shown.length} of ${p.gaps.length})` : ''}</summary><table class="data"><thead><tr><th>After (UTC)</th><th>Before (UTC)</th><th>Missing</th></tr></thead><tbody>${shown
          .map((g) => `<tr><td>${h(formatTime(g.after))}</td><td>${h(formatTime(g.before))}</td><td>${g.missing}</td></tr>`)
          .join('')}</tbody></table></details>`;
  return `<section id="provenance-section"><h2>Data provenance</h2>${kvTable(rows)}${gapList}</section>`;
}

function kvTable(rows: [string, string][]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</tbody></table>`;
}
