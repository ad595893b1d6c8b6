import { Dec, decString, type Dec as Decimal } from '../../core/money.js';
import type { Fault } from './faults.js';
import { parseFault } from './faults.js';
import { MAX_ADVANCE_MS, MAX_ASSETS, MAX_BALANCE, MAX_FAULTS, MAX_PRICE, MAX_SIM_TIME, MAX_VOLUME } from './limits.js';

/** One API request as the simulator saw it (the control plane's own requests are not logged). */
export interface RequestLogEntry {
  /** wall-clock time, epoch ms */
  time: number;
  simTime: number;
  method: string;
  path: string;
  /** parameters without the signature */
  params: Record<string, string>;
  status: number;
  /** the Binance error code of a refused request (-1021, -2010, …) */
  code?: number;
  /** the fault that hit it, if any */
  fault?: string;
}

/** What tests and the /__sim/ routes can do to a running simulator. */
export interface SimControl {
  /** sim time, epoch ms */
  now(): number;
  /** set the price of a symbol (default: the first); resting orders see it at once as a trade */
  setPrice(price: number, opts?: { symbol?: string; volume?: number }): void;
  /** move the sim clock forward; candles that close on the way are matched */
  advance(ms: number): number;
  addFault(f: Fault): void;
  clearFaults(): void;
  faults(): Fault[];
  requests(): RequestLogEntry[];
  clearRequests(): void;
  state(): SimState;
  /** a fresh account and book (balances as given, or the starting ones); faults and the log cleared */
  reset(balances?: Record<string, Decimal>): void;
}

export interface SimState {
  time: number;
  prices: Record<string, number>;
  balances: Record<string, { free: string; used: string; total: string }>;
  orders: Record<string, unknown>[];
  trades: Record<string, unknown>[];
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError(400, 'expected a JSON object');
  return body as Record<string, unknown>;
}

function num(v: unknown, name: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ControlError(400, `${name} must be a number`);
  return n;
}

/** A number in [min, max] (documented limits: a shared machine must survive any request). */
function bounded(v: unknown, name: string, min: number, max: number, o: { integer?: boolean; aboveMin?: boolean } = {}): number {
  const n = num(v, name);
  if ((o.integer && !Number.isInteger(n)) || n < min || (o.aboveMin && n === min) || n > max) {
    throw new ControlError(400, `${name} must be ${o.integer ? 'a whole number ' : ''}${o.aboveMin ? 'above' : 'from'} ${min} ${o.aboveMin ? 'and at most' : 'to'} ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * The control plane: JSON over /__sim/, unsigned, loopback only, every input bounded (limits.ts).
 *   GET  /__sim/state                      balances, orders, trades, prices, time
 *   POST /__sim/price    {price, symbol?, volume?}
 *   POST /__sim/advance  {ms} | {to}        (sim epoch ms)
 *   GET|POST|DELETE /__sim/faults          POST one fault, or {faults: [...]}
 *   GET|DELETE /__sim/requests             the request log
 *   POST /__sim/reset    {balances?: {USDT: "1000", ...}}
 */
export function handleControl(control: SimControl, method: string, path: string, body: unknown): { status: number; json: unknown } {
  try {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /__sim/state':
        return { status: 200, json: control.state() };
      case 'POST /__sim/price': {
        const b = obj(body);
        control.setPrice(bounded(b.price, 'price', 0, MAX_PRICE, { aboveMin: true }), {
          ...(typeof b.symbol === 'string' ? { symbol: b.symbol } : {}),
          ...(b.volume !== undefined ? { volume: bounded(b.volume, 'volume', 0, MAX_VOLUME) } : {}),
        });
        return { status: 200, json: { time: control.now() } };
      }
      case 'POST /__sim/advance': {
        const b = obj(body);
        const now = control.now();
        const ms = b.to !== undefined ? bounded(b.to, 'to', now, Math.min(now + MAX_ADVANCE_MS, MAX_SIM_TIME), { integer: true }) - now : bounded(b.ms, 'ms', 0, MAX_ADVANCE_MS, { integer: true });
        if (now + ms > MAX_SIM_TIME) throw new ControlError(400, `the sim clock cannot pass ${new Date(MAX_SIM_TIME).toISOString()}`);
        return { status: 200, json: { time: control.advance(ms) } };
      }
      case 'GET /__sim/faults':
        return { status: 200, json: control.faults() };
      case 'POST /__sim/faults': {
        const list = Array.isArray((body as { faults?: unknown })?.faults) ? (body as { faults: unknown[] }).faults : Array.isArray(body) ? body : [body];
        if (control.faults().length + list.length > MAX_FAULTS) throw new ControlError(400, `at most ${MAX_FAULTS} faults may wait at once; ${control.faults().length} are queued`);
        // all or nothing: one bad fault queues none
        const parsed = list.map((f, i) => parseFault(f, `fault ${i + 1}`));
        for (const f of parsed) control.addFault(f);
        return { status: 200, json: control.faults() };
      }
      case 'DELETE /__sim/faults':
        control.clearFaults();
        return { status: 200, json: [] };
      case 'GET /__sim/requests':
        return { status: 200, json: control.requests() };
      case 'DELETE /__sim/requests':
        control.clearRequests();
        return { status: 200, json: [] };
      case 'POST /__sim/reset': {
        const b = body === undefined ? {} : obj(body);
        let balances: Record<string, Decimal> | undefined;
        if (b.balances !== undefined) {
          balances = {};
          const entries = Object.entries(obj(b.balances));
          if (entries.length > MAX_ASSETS) throw new ControlError(400, `balances: at most ${MAX_ASSETS} assets, got ${entries.length}`);
          for (const [k, v] of entries) {
            if (!/^[A-Za-z0-9]{1,20}$/.test(k)) throw new ControlError(400, `balances: ${JSON.stringify(k.slice(0, 40))} is not an asset (1 to 20 letters or digits)`);
            balances[k] = new Dec(bounded(v, `balances.${k}`, 0, MAX_BALANCE) === 0 ? 0 : String(v));
          }
        }
        control.reset(balances);
        return { status: 200, json: control.state() };
      }
      default:
        return { status: 404, json: { error: `no control route ${route}` } };
    }
  } catch (err) {
    const status = err instanceof ControlError ? err.status : 400;
    return { status, json: { error: (err as Error).message } };
  }
}

export function balanceJson(b: { free: Decimal; used: Decimal; total: Decimal }): { free: string; used: string; total: string } {
  return { free: decString(b.free), used: decString(b.used), total: decString(b.total) };
}
