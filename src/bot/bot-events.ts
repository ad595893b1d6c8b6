import type { EngineEvent, EngineEventSink } from '../engine/events.js';
import type { BotLog, LogLevel } from './bot-log.js';

/** What the bot runner itself does and sees, beside the engine's decisions. */
export type RunnerEvent =
  | { kind: 'started'; time: number; mode: string; pairs: string[]; timeframe: string; strategy: string; resumed: boolean }
  | { kind: 'stopping'; time: number; why: string | null }
  | { kind: 'stopped'; time: number }
  | { kind: 'crashed'; time: number; message: string }
  | { kind: 'control'; time: number; command: string; seq: number; by: string; pair?: string }
  /** a control request answered: what it did (forceexit: the positions sold) */
  | { kind: 'control-done'; time: number; command: string; seq: number; by: string; detail: string; ok: boolean }
  /** after a stop-cancel or a panic */
  | { kind: 'stop-cancel' | 'panic'; time: number; cancelled: number; closed: number }
  /** live start-up: what the comparison with the exchange found and applied */
  | { kind: 'reconciled'; time: number; corrections: number; drift: number; actions: string[]; external: Record<string, string> }
  | { kind: 'feed-degraded'; time: number; message: string }
  | { kind: 'feed-recovered'; time: number };

export type BotEvent = EngineEvent | RunnerEvent;
export type BotEventKind = BotEvent['kind'];

const WARN: ReadonlySet<BotEventKind> = new Set<BotEventKind>([
  'order-rejected',
  'order-expired',
  'order-unknown',
  'exchange-error',
  'exchange-degraded',
  'halt',
  'stop-cancel',
  'panic',
  'feed-degraded',
]);

export function levelOf(e: BotEvent): LogLevel {
  if (e.kind === 'crashed') return 'error';
  if (e.kind === 'control-done') return e.ok ? 'info' : 'warn';
  if (e.kind === 'reconciled') return e.drift > 0 ? 'warn' : 'info';
  return WARN.has(e.kind) ? 'warn' : 'info';
}

/**
 * The bot's event stream: every engine event and runner event becomes a line of the bot's log
 * (`{time, level, event, ...fields}`, the time this machine's), then goes to the listeners
 * (notifications, metrics). A listener that throws is the listener's problem, never the engine's.
 */
export class BotEvents implements EngineEventSink {
  private readonly listeners: ((e: BotEvent) => void)[] = [];

  constructor(
    private readonly log: BotLog,
    private readonly now: () => number = Date.now,
  ) {}

  on(listener: (e: BotEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(e: BotEvent): void {
    void this.write(e);
  }

  /** The same, resolved once the line is written (start, stop, crash: the caller waits for it). */
  write(e: BotEvent): Promise<void> {
    const { kind, time: _time, ...fields } = e;
    const written = this.log.write(this.now(), levelOf(e), kind, fields).catch(() => undefined);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a notifier or metrics bug must not stop trading; its own failures are counted by it
      }
    }
    return written;
  }
}
