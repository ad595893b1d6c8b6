import type { StrategyDefinition } from '../strategies/types.js';
import type { AlertBook } from './alert-book.js';
import type { VerdictBoard } from './verdict-board.js';

/**
 * What the signal strategies (`webhook`, `http-signal`) are handed besides the indicators: where
 * their decisions come from. The runner (src/signals/open-signals.ts) fills it in for backtest,
 * paper and live alike; a strategy created without it says what it lacks.
 */
export interface SignalTools {
  timeframeMs: number;
  /** webhook: the alerts waiting for their candle */
  alerts?: AlertBook;
  /** http-signal: the service's verdict for each candle, settled before the engine sees it */
  verdicts?: VerdictBoard;
  /** http-signal: the built-in strategy that decides while the service is down and its last answer too old */
  fallback?: StrategyDefinition | null;
  /** http-signal: a long signal enters at this confidence or above */
  minConfidence?: number;
}
