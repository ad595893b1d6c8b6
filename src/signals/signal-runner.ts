import type { Engine } from '../engine/engine.js';
import type { Feed } from '../engine/ports.js';
import type { SignalTools } from './signal-tools.js';
import type { SignalRuntime } from './signal-runtime.js';

/** A line for the bot's log: level, event, fields (no secrets: callers pass only what they mean to log). */
export type SignalLog = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;

/**
 * What a signal strategy adds to a run, in every mode: its tools for the strategy, the feed wrapper
 * that settles each candle's signal before the engine sees it, and (paper, live) a listener or a
 * service client with their counts for `status`.
 */
export interface SignalRunner {
  readonly tools: SignalTools;
  wrapFeed(feed: Feed): Feed;
  /** the engine whose decisions tell what became of each signal */
  attach(engine: Engine): void;
  /** open the listener (webhook) or the shadow's follower; the bot is running */
  start(): Promise<void>;
  /** account for the last candle (also done before each next one) */
  settle(): void;
  /** the bot is stopping: give up pending requests and waits at once */
  stop(): void;
  close(): Promise<void>;
  runtime(): SignalRuntime;
  /** what a backtest reports about its signals, one line each */
  summary(): string[];
}
