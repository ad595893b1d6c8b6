// Number and time formats of the page (UTC throughout, like the rest of tradebot).

function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

// Intl formatters are costly to make and cheap to reuse: thousands of table cells use them.
const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>();

function fmtNum(v: number, digits = 2): string {
  let f = NUMBER_FORMATS.get(digits);
  if (!f) NUMBER_FORMATS.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(v);
}

function fmtPct(v: number, digits = 2): string {
  return `${fmtNum(v * 100, digits)} %`;
}

function fmtDuration(ms: number): string {
  const m = Math.round(ms / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${min}m`;
  return `${min}m`;
}

/** A price as the chart shows it: enough decimals for its size. */
function fmtPrice(v: number): string {
  const a = Math.abs(v);
  return fmtNum(v, a >= 1000 ? 2 : a >= 1 ? 4 : 8);
}
