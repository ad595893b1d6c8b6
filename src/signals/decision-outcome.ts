import type { Decision } from '../engine/engine.js';

/** The decisions the engine took after `last` (the engine keeps its latest 200). */
export function decisionsSince(all: readonly Decision[], last: Decision | undefined): Decision[] {
  if (last === undefined) return all.slice();
  const at = all.lastIndexOf(last);
  return at < 0 ? all.slice() : all.slice(at + 1);
}

/** What the engine did with a strategy's ask on a candle: its decision for that pair and side, if it took one. */
export function outcomeOf(decisions: readonly Decision[], pair: string, side: 'buy' | 'sell'): Decision | null {
  for (const d of decisions) if (d.symbol === pair && d.side === side) return d;
  return null;
}
