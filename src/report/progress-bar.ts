/**
 * The progress of a search on a terminal: one line on stderr redrawn in place (points done, a bar,
 * the best objective so far, ETA), at most ten times a second. Only ever shown on a TTY.
 */
export class ProgressBar {
  private started: number;
  private lastDraw = -Infinity;
  private shown = false;
  private text = '';
  private startDone: number | null = null;

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(p: { done: number; total: number; best: number | null }, prefix = ''): void {
    this.text = this.line(p, prefix);
    const t = this.now();
    if (t - this.lastDraw < 100 && p.done < p.total) return;
    this.lastDraw = t;
    // a 0-column (unknown) terminal gets a line of 80
    const cols = this.stream.columns || 80;
    this.stream.write(`\r\u001b[2K${[...this.text].slice(0, Math.max(1, cols - 1)).join('')}`);
    this.shown = true;
  }

  /** The text of the line, for tests. */
  line(p: { done: number; total: number; best: number | null }, prefix = ''): string {
    const pct = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const width = 20;
    const filled = Math.round(pct * width);
    const elapsed = this.now() - this.started;
    // the ETA comes from this session's pace: resumed points cost nothing
    this.startDone ??= p.done;
    const ran = p.done - this.startDone;
    const eta = ran > 0 && pct < 1 && elapsed > 0 ? ` ETA ${duration((elapsed / ran) * (p.total - p.done))}` : '';
    const best = p.best === null ? '' : ` best ${formatBest(p.best)}`;
    return `${prefix}${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(pct * 100).toFixed(0)}% ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}${best}${eta}`;
  }

  /** A new search (the next walk-forward window): the pace is measured afresh. */
  restartClock(): void {
    this.started = this.now();
    this.startDone = null;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}

function formatBest(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
