/** What a signal service said about one candle, and where the answer came from. */
export interface Verdict {
  /** null: no answer and no fallback decided (source none or fallback) */
  signal: 'long' | 'flat' | 'short' | null;
  confidence: number | null;
  /**
   * service: answered for this candle; cache: its last answer, still younger than signals.cacheTtl;
   * fallback: the configured built-in strategy decided; none: nothing decides (no fallback set)
   */
  source: 'service' | 'cache' | 'fallback' | 'none';
  /** the X-Request-ID sent for this candle; null when the open breaker let no request out */
  requestId: string | null;
  /** the X-Request-ID whose answer is used (a cached answer: an earlier candle's request) */
  answerId: string | null;
  /** why the service gave no answer for this candle */
  error?: string;
}

/** A verdict acted on at a candle, and what the strategy asked for on it. */
export interface AppliedVerdict {
  pair: string;
  bar: number;
  verdict: Verdict;
  asked: 'buy' | 'sell' | null;
}

/**
 * The service's verdict for each candle, settled (asked, awaited) before the engine processes the
 * candle, so that the strategy decides synchronously in backtest, paper and live alike.
 */
export class VerdictBoard {
  private readonly waiting = new Map<string, { bar: number; verdict: Verdict }>();
  applied: AppliedVerdict[] = [];

  set(pair: string, bar: number, verdict: Verdict): void {
    this.waiting.set(pair, { bar, verdict });
  }

  /** The verdict for the candle of `pair` opened at `bar`, once; null for a candle nobody asked about. */
  take(pair: string, bar: number): Verdict | null {
    const w = this.waiting.get(pair);
    if (!w || w.bar !== bar) return null;
    this.waiting.delete(pair);
    return w.verdict;
  }

  noteApplied(a: AppliedVerdict): void {
    this.applied.push(a);
  }

  drainApplied(): AppliedVerdict[] {
    const out = this.applied;
    this.applied = [];
    return out;
  }
}
