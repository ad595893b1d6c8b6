/**
 * `tradebot logs`: one line per record, `time level event key=value ...`, or the record's own
 * JSON line with --json.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { LogRecord } from '../bot/log-reader.js';

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[^\s",=]+$/.test(x))) return v.join(',');
  return JSON.stringify(v) ?? String(v);
}

function level(c: ChalkInstance, l: string): string {
  const t = l.padEnd(5);
  return l === 'error' ? c.red(t) : l === 'warn' ? c.yellow(t) : c.dim(t);
}

/** A formatter for one output: plain or colored text, or the JSON lines as they are. */
export function logFormatter(o: { color?: boolean; json?: boolean } = {}): (rec: LogRecord) => string {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  return (rec) => {
    if (o.json || rec.time === null) return `${rec.raw}\n`;
    const kv = Object.entries(rec.fields).map(([k, v]) => `${k}=${value(v)}`);
    return `${c.dim(new Date(rec.time).toISOString())} ${level(c, rec.level)} ${c.bold(rec.event)}${kv.length > 0 ? ` ${kv.join(' ')}` : ''}\n`;
  };
}
