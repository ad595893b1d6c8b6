import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { alertKey, readAlert, AlertProblem, type Alert, type AlertAction, type SizeType } from './alert.js';
import type { TickerMap } from './ticker-map.js';

/**
 * One accepted alert as a line of `alerts.jsonl`: what paper and live record, and what
 * `backtest --signals-file` replays. `time` is when it takes effect: the bot acts on it at the
 * first candle that closes after it, live and in a backtest alike. No secret, ever.
 */
export interface AlertRecord {
  time: string;
  pair: string;
  action: AlertAction;
  orderType: 'market' | 'limit';
  price?: number;
  size?: string;
  sizeType?: SizeType;
  id?: string;
  /** what makes a resent alert the same one (src/signals/alert.ts, alertKey) */
  key: string;
  /** the sender's own time, when it differs from `time` */
  sentAt?: string;
}

/** An alert waiting for its candle: its pair resolved, its effective time in epoch ms. */
export interface QueuedAlert {
  key: string;
  pair: string;
  time: number;
  alert: Alert;
}

export function toRecord(q: QueuedAlert): AlertRecord {
  const a = q.alert;
  return {
    time: new Date(q.time).toISOString(),
    pair: q.pair,
    action: a.action,
    orderType: a.orderType,
    ...(a.price !== null ? { price: a.price } : {}),
    ...(a.size !== null ? { size: a.size, sizeType: a.sizeType! } : {}),
    ...(a.id !== null ? { id: a.id } : {}),
    key: q.key,
    ...(a.time !== q.time ? { sentAt: new Date(a.time).toISOString() } : {}),
  };
}

/** A line of an alerts file (or of a bot's alerts.jsonl) as a queued alert; `pair` null when it is not the bot's. */
export function fromRecordLine(raw: Record<string, unknown>, tickers: TickerMap): { queued: QueuedAlert; pair: string | null } {
  const body = { ...raw };
  delete body.secret; // an exported alert may still carry it: never kept, never shown
  const key = typeof body.key === 'string' && body.key !== '' ? body.key : null;
  delete body.key;
  delete body.sentAt;
  const alert = readAlert(body, 'file');
  const pair = tickers.resolve(alert);
  return { queued: { key: key ?? alertKey(alert), pair: pair ?? alert.pair ?? alert.ticker ?? '?', time: alert.time, alert }, pair };
}

export interface AlertsFile {
  /** the bot's alerts, by effective time (stable: equal times keep the file's order) */
  alerts: QueuedAlert[];
  /** lines for a pair this run does not trade */
  otherPairs: number;
  /** a key seen before in the file: the same alert sent twice */
  duplicates: number;
}

/**
 * `backtest --signals-file`: one JSON alert per line with its time. A bad line stops the run
 * naming the file, the line and the field (exit 2); blank lines are skipped.
 */
export async function readAlertsFile(path: string, shownAs: string, tickers: TickerMap): Promise<AlertsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `signals file not found: ${shownAs}` : `cannot read signals file ${shownAs}: ${code ?? (err as Error).message}`);
  }
  const alerts: QueuedAlert[] = [];
  const seen = new Set<string>();
  let otherPairs = 0;
  let duplicates = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const where = `${shownAs}:${n + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new UsageError(`${where}: not a JSON alert`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${where}: an alert must be a JSON object`);
    let read;
    try {
      read = fromRecordLine(raw as Record<string, unknown>, tickers);
    } catch (err) {
      if (err instanceof AlertProblem) throw new UsageError(`${where}: ${err.message}`);
      throw err;
    }
    if (read.pair === null) {
      otherPairs++;
      continue;
    }
    if (seen.has(read.queued.key)) {
      duplicates++;
      continue;
    }
    seen.add(read.queued.key);
    alerts.push(read.queued);
  }
  alerts.sort((a, b) => a.time - b.time);
  return { alerts, otherPairs, duplicates };
}
