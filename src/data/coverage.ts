/**
 * Which candle open times the cache knows about. A span is [start, end) in epoch ms: every candle
 * the exchange has with an open time in it is in the cache. The cache knows the spans it fetched
 * (stored in its header) and, implicitly, every run of consecutive candles it holds; whatever
 * else a request covers is missing and must be fetched. A gap inside a fetched span is the
 * exchange's own and is not asked for again.
 */
import type { CandleSeries } from '../core/candles.js';

/** [start, end): candle open times from start (inclusive) to end (exclusive), epoch ms. */
export type Span = readonly [number, number];

/** The spans sorted, with overlapping and touching ones merged, empty ones dropped. */
export function normalizeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function unionSpans(...lists: (readonly Span[])[]): Span[] {
  return normalizeSpans(lists.flat());
}

/** The parts of `want` outside every span of `known` (normalized). */
export function subtractSpans(want: Span, known: readonly Span[]): Span[] {
  const out: Span[] = [];
  let cursor = want[0];
  for (const [a, b] of known) {
    if (b <= cursor) continue;
    if (a >= want[1]) break;
    if (a > cursor) out.push([cursor, a]);
    cursor = Math.max(cursor, b);
    if (cursor >= want[1]) break;
  }
  if (cursor < want[1]) out.push([cursor, want[1]]);
  return out;
}

/**
 * The runs of consecutive candles in a series (sorted, unique times), each as the span from the
 * first candle's open to the last one's close. `closesAt` gives a candle's close from its open
 * (calendar months for 1M); a candle opening later than the previous one's close starts a new run.
 */
export function candleRuns(s: CandleSeries | null, closesAt: (t: number) => number): Span[] {
  const n = s?.length ?? 0;
  if (n === 0) return [];
  const out: Span[] = [];
  let start = s!.time[0]!;
  let end = closesAt(start);
  for (let i = 1; i < n; i++) {
    const t = s!.time[i]!;
    if (t > end) {
      out.push([start, end]);
      start = t;
    }
    end = closesAt(t);
  }
  out.push([start, end]);
  return out;
}

/** What the cache knows: its fetched spans and its runs of candles, merged. */
export function knownSpans(s: CandleSeries | null, fetched: readonly Span[], closesAt: (t: number) => number): Span[] {
  return unionSpans(fetched, candleRuns(s, closesAt));
}

/** The spans of [from, toExclusive) the cache does not know: what a download must fetch. */
export function missingSpans(s: CandleSeries | null, fetched: readonly Span[], from: number, toExclusive: number, closesAt: (t: number) => number): Span[] {
  if (!(toExclusive > from)) return [];
  return subtractSpans([from, toExclusive], knownSpans(s, fetched, closesAt));
}
