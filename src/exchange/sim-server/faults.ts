import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../config/did-you-mean.js';
import { MAX_FAULTS, MAX_FAULT_COUNT, MAX_FAULT_DELAY_MS, MAX_FAULT_TEXT, MAX_RETRY_AFTER_S } from './limits.js';

/**
 * What the simulator can do to a request instead of (or besides) answering it normally, to
 * rehearse a bot against a misbehaving exchange.
 */
export type FaultAction =
  /** a Binance error body: `{"code":code,"msg":msg}` with the given status (default 400) */
  | { kind: 'error'; code: number; msg?: string; status?: number; retryAfter?: number }
  /** 429 -1003 with Retry-After (seconds) */
  | { kind: 'rate-limit'; retryAfter?: number }
  /** 418: the IP is banned for retryAfter seconds */
  | { kind: 'ban'; retryAfter?: number }
  /** a bare HTTP status with an optional text body */
  | { kind: 'status'; status: number; body?: string }
  /** an HTML error page, as a CDN in front of an exchange serves (default 502) */
  | { kind: 'html'; status?: number }
  /** the response is held for ms (the request itself is processed at once) */
  | { kind: 'delay'; ms: number }
  /** the connection is destroyed before anything is processed */
  | { kind: 'drop' }
  /** the request is processed (an order is placed), then the connection is destroyed */
  | { kind: 'accept-then-drop' };

export interface Fault {
  action: FaultAction;
  /** only requests with this method (GET, POST, DELETE) */
  method?: string;
  /** only requests to this path, e.g. /api/v3/order */
  path?: string;
  /** how many matching requests it hits (default 1) */
  count?: number;
  /** let this many matching requests through first (default 0) */
  after?: number;
}

const KINDS = new Set(['error', 'rate-limit', 'ban', 'status', 'html', 'delay', 'drop', 'accept-then-drop']);
/** the fields each kind takes, besides `kind` */
const KIND_FIELDS: Record<string, string[]> = {
  error: ['code', 'msg', 'status', 'retryAfter'],
  'rate-limit': ['retryAfter'],
  ban: ['retryAfter'],
  status: ['status', 'body'],
  html: ['status'],
  delay: ['ms'],
  drop: [],
  'accept-then-drop': [],
};
const MATCH_FIELDS = ['method', 'path', 'count', 'after'];
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/** Accepts `{action: {...}, method, path, count}` or the flat form `{kind, ..., method, path, count}`. */
export function parseFault(raw: unknown, where: string): Fault {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: a fault must be an object`);
  const r = raw as Record<string, unknown>;
  const nested = typeof r.action === 'object' && r.action !== null && !Array.isArray(r.action);
  const action = (nested ? r.action : r) as Record<string, unknown>;
  const kind = action.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    const hint = typeof kind === 'string' ? didYouMean(kind, [...KINDS]) : undefined;
    throw new UsageError(`${where}: fault kind ${JSON.stringify(kind)} is not one of ${[...KINDS].join(', ')}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`);
  }
  // a mistyped key is an error, not ignored: a fault without its `method` or `path` hits every request
  const unknown = (o: Record<string, unknown>, allowed: string[]) => {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const hint = didYouMean(k, allowed);
      throw new UsageError(`${where}: unknown key ${JSON.stringify(k)} for a ${kind} fault${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}; expected ${allowed.join(', ')}`);
    }
  };
  if (nested) {
    unknown(action, ['kind', ...KIND_FIELDS[kind]!]);
    unknown(r, ['action', ...MATCH_FIELDS]);
  } else {
    unknown(r, ['kind', ...KIND_FIELDS[kind]!, ...MATCH_FIELDS]);
  }
  const num = (v: unknown, name: string, min = -Infinity, max = Infinity): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`${where}: ${name} must be a number`);
    if (v < min || v > max) throw new UsageError(`${where}: ${name} must be from ${min} to ${max}, got ${v}`);
    return v;
  };
  const text = (v: unknown, name: string): string | undefined => {
    if (typeof v !== 'string') return undefined;
    if (v.length > MAX_FAULT_TEXT) throw new UsageError(`${where}: ${name} must be at most ${MAX_FAULT_TEXT} characters, got ${v.length}`);
    return v;
  };
  const httpStatus = (v: unknown): number | undefined => {
    const n = num(v, 'status');
    if (n !== undefined && (!Number.isInteger(n) || n < 200 || n > 599)) throw new UsageError(`${where}: status must be an HTTP status from 200 to 599, got ${n}`);
    return n;
  };
  let a: FaultAction;
  switch (kind) {
    case 'error': {
      const msg = text(action.msg, 'msg');
      a = { kind, code: num(action.code, 'code', -99_999, 99_999) ?? -1000, ...(msg !== undefined ? { msg } : {}), ...opt('status', httpStatus(action.status)), ...opt('retryAfter', num(action.retryAfter, 'retryAfter', 0, MAX_RETRY_AFTER_S)) };
      break;
    }
    case 'rate-limit':
    case 'ban':
      a = { kind, ...opt('retryAfter', num(action.retryAfter, 'retryAfter', 0, MAX_RETRY_AFTER_S)) };
      break;
    case 'status': {
      const b = text(action.body, 'body');
      a = { kind, status: httpStatus(action.status) ?? 500, ...(b !== undefined ? { body: b } : {}) };
      break;
    }
    case 'html':
      a = { kind, ...opt('status', httpStatus(action.status)) };
      break;
    case 'delay':
      a = { kind, ms: num(action.ms, 'ms', 0, MAX_FAULT_DELAY_MS) ?? 15_000 };
      break;
    default:
      a = { kind: kind as 'drop' | 'accept-then-drop' };
  }
  const f: Fault = { action: a };
  if (r.method !== undefined) {
    if (typeof r.method !== 'string' || !METHODS.has(r.method.toUpperCase())) throw new UsageError(`${where}: method must be one of ${[...METHODS].join(', ')}, got ${JSON.stringify(r.method)}`);
    f.method = r.method.toUpperCase();
  }
  if (r.path !== undefined) {
    if (typeof r.path !== 'string' || !r.path.startsWith('/') || r.path.length > MAX_FAULT_TEXT) throw new UsageError(`${where}: path must be a request path such as /api/v3/order, got ${JSON.stringify(String(r.path).slice(0, 80))}`);
    f.path = r.path;
  }
  const count = num(r.count, 'count');
  if (count !== undefined) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_FAULT_COUNT) throw new UsageError(`${where}: count must be a whole number from 1 to ${MAX_FAULT_COUNT}, got ${count}`);
    f.count = count;
  }
  const after = num(r.after, 'after');
  if (after !== undefined) {
    if (!Number.isInteger(after) || after < 0 || after > MAX_FAULT_COUNT) throw new UsageError(`${where}: after must be a whole number from 0 to ${MAX_FAULT_COUNT}, got ${after}`);
    f.after = after;
  }
  return f;
}

function opt<K extends string>(k: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: number };
}

/** Faults waiting for requests: the first queued fault that matches a request takes it. */
export class FaultQueue {
  private queue: (Fault & { left: number; skip: number })[] = [];

  add(f: Fault): void {
    this.queue.push({ ...f, left: f.count ?? 1, skip: f.after ?? 0 });
  }

  clear(): void {
    this.queue = [];
  }

  pending(): Fault[] {
    return this.queue.map(({ left, skip, ...f }) => ({ ...f, count: left, after: skip }));
  }

  /** The fault this request hits, if any (and count it). */
  take(method: string, path: string): FaultAction | undefined {
    for (const f of this.queue) {
      if (f.method && f.method !== method) continue;
      if (f.path && f.path !== path) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.left--;
      if (f.left <= 0) this.queue.splice(this.queue.indexOf(f), 1);
      return f.action;
    }
    return undefined;
  }
}

/** `--faults FILE`: a JSON or YAML list of faults, queued at startup for a rehearsal. */
export async function readFaultFile(path: string): Promise<Fault[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read faults file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    // the parser's first line (YAML appends a code frame after it)
    const first = ((err as Error).message.split('\n').find((l) => l.trim() !== '') ?? '').trim().replace(/:$/, '');
    throw new UsageError(`faults file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${first}`, { cause: err });
  }
  const list = Array.isArray(data) ? data : (data as { faults?: unknown })?.faults;
  if (!Array.isArray(list)) throw new UsageError(`faults file ${path} must hold a list of faults`);
  if (list.length > MAX_FAULTS) throw new UsageError(`faults file ${path} holds ${list.length} faults; at most ${MAX_FAULTS} may wait at once`);
  return list.map((f, i) => parseFault(f, `${path}: fault ${i + 1}`));
}
