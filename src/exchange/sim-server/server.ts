import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Dec, decString, type Dec as Decimal } from '../../core/money.js';
import { marketFor, type MarketInfo } from '../../core/market.js';
import { UsageError } from '../../core/errors.js';
import { timeframeToMs } from '../../core/timeframe.js';
import type { CandleSeries } from '../../core/candles.js';
import { readCandleFile } from '../../data/read-candles.js';
import { BinanceError, binanceErrors as E } from './binance-errors.js';
import { publicRoutes, signedRoutes, type Route, type RouteContext } from './binance-routes.js';
import { orderQueryJson, tradeJson } from './binance-format.js';
import { balanceJson, handleControl, type RequestLogEntry, type SimControl, type SimState } from './control-plane.js';
import { FaultQueue, type Fault, type FaultAction } from './faults.js';
import { MAX_BODY_BYTES, MAX_LOGGED_VALUE, MAX_PARAMS, MAX_SPEED } from './limits.js';
import { ReplaySource, WalkSource, type PriceSource } from './price-source.js';
import { signatureMatches, signedPayload } from './signing.js';
import { SimClock, SimVenue } from './sim-venue.js';

/** Fixed test credentials, documented in `tradebot sim --help`; never real ones. */
export const SIM_API_KEY = 'tradebot-sim-key';
export const SIM_API_SECRET = 'tradebot-sim-secret';

export interface SimOptions {
  /** 0 (default): any free port */
  port?: number;
  /** a candle file to replay; without one, a seeded random walk */
  data?: string;
  /** the pair of the file (default: from its name, else BTC/USDT) */
  pair?: string;
  /** the file's interval (default: inferred) */
  timeframe?: string;
  /** sim time at startup, epoch ms (default: now for a walk; the 501st candle of a file) */
  start?: number;
  /** sim ms per wall ms (default 1); 0 freezes the clock: it moves only through the control plane */
  speed?: number;
  balances?: Record<string, Decimal | string | number>;
  apiKey?: string;
  apiSecret?: string;
  /** fee rate of notional, charged in quote (default 0.001) */
  fee?: Decimal | string | number;
  slippageBps?: number;
  /** an order fills at most this fraction of a candle's volume per candle */
  maxVolumeFraction?: number;
  faults?: Fault[];
  /** random walk: symbols and starting prices (default BTC/USDT at 30000) */
  walk?: { symbols?: { symbol: string; price: number }[]; volatility?: number; seed?: number; timeframe?: string; history?: number };
  /** market rules (default: tick 0.01, step 0.00001, minimum 0.00001, notional 5; a file's tick follows its prices) */
  market?: Partial<Omit<MarketInfo, 'symbol' | 'base' | 'quote'>>;
  /** how often resting orders are matched while the clock runs, wall ms (default 50) */
  matchEveryMs?: number;
}

export interface SimServer {
  url: string;
  port: number;
  control: SimControl;
  close(): Promise<void>;
}

const DEFAULT_MARKET = { priceTick: new Dec('0.01'), amountStep: new Dec('0.00001'), minAmount: new Dec('0.00001'), minNotional: new Dec('5') };
const MAX_LOG = 10_000;

/** Starts the loopback Binance simulator on 127.0.0.1. */
export async function startSim(options: SimOptions = {}): Promise<SimServer> {
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed < 0 || speed > MAX_SPEED) throw new UsageError(`--speed must be from 0 to ${MAX_SPEED.toLocaleString('en-US')}, got ${speed}`);
  const apiKey = options.apiKey ?? SIM_API_KEY;
  const apiSecret = options.apiSecret ?? SIM_API_SECRET;
  const { sources, markets, start } = await buildSources(options);

  const balances: Record<string, Decimal> = {};
  for (const m of markets) {
    balances[m.quote] ??= new Dec(0);
    balances[m.base] ??= new Dec(0);
  }
  for (const [k, v] of Object.entries(options.balances ?? { USDT: 10_000 })) balances[k] = new Dec(v as string);

  const clock = new SimClock(start, speed);
  const venue = new SimVenue(clock, sources, {
    markets,
    balances,
    feeRate: new Dec((options.fee ?? '0.001') as string),
    slippageBps: options.slippageBps ?? 0,
    ...(options.maxVolumeFraction !== undefined ? { maxVolumeFraction: options.maxVolumeFraction } : {}),
  });
  const faults = new FaultQueue();
  for (const f of options.faults ?? []) faults.add(f);
  let log: RequestLogEntry[] = [];
  const firstSymbol = markets[0]!.symbol;

  const control: SimControl = {
    now: () => clock.now(),
    setPrice(price, o = {}) {
      const symbol = o.symbol ?? firstSymbol;
      if (!sources.has(symbol)) throw new Error(`unknown symbol ${symbol}`);
      if (!(price > 0)) throw new Error('price must be positive');
      venue.setPrice(symbol, price, o.volume ?? 1e9);
    },
    advance(ms) {
      clock.advance(ms);
      return venue.sync();
    },
    addFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    faults: () => faults.pending(),
    requests: () => log.slice(),
    clearRequests: () => {
      log = [];
    },
    state(): SimState {
      const time = venue.sync();
      const ex = venue.exchange;
      const byId = new Map(markets.map((m) => [m.symbol, m]));
      return {
        time,
        prices: Object.fromEntries([...sources.keys()].map((s) => [s, venue.price(s)])),
        balances: Object.fromEntries(Object.entries(ex.balancesSync()).map(([k, b]) => [k, balanceJson(b)])),
        orders: ex.allOrders().map((o) => ({ ...orderQueryJson(byId.get(o.symbol)!, o, venue.meta.get(o.clientOrderId), venue.triggered(o.clientOrderId)), symbol: o.symbol })),
        trades: ex.trades().map((f) => ({ ...tradeJson(byId.get(f.symbol)!, f, ex.orderByClientId(f.clientOrderId)), symbol: f.symbol, fee: decString(f.fee) })),
      };
    },
    reset(b) {
      venue.reset(b);
      faults.clear();
      log = [];
    },
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { code: -1000, msg: `An unknown error occurred while processing the request: ${(err as Error).message}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends Host: evil.example
    if (!hostIsUs(req.headers.host, port)) return refuse(res, 421, `Host ${JSON.stringify(req.headers.host ?? '')} is not this simulator; use http://127.0.0.1:${port}`);
    // CSRF: a browser names the page's origin; only pages on this machine may talk to the sim
    if (req.headers.origin !== undefined && !loopbackOrigin(req.headers.origin)) return refuse(res, 403, `requests from Origin ${JSON.stringify(req.headers.origin)} are refused: only loopback origins may use the simulator`);
    const declared = Number(req.headers['content-length'] ?? 0);
    // declared far too large: refused unread; a little too large: drained first (see readBody)
    if (declared > DRAIN_BYTES) return refuse(res, 413, `request body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit`);
    const body = await readBody(req);
    if (body === null) return refuse(res, 413, `request body is over the ${MAX_BODY_BYTES}-byte limit`);

    if (path.startsWith('/__sim/')) {
      if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: 'the control plane is loopback only' });
      // a form or text/plain post is what a cross-site page can send without asking: JSON only
      if (method !== 'GET' && mediaType(req.headers['content-type']) !== 'application/json') {
        return send(res, 415, { error: `the control plane takes Content-Type: application/json, got ${JSON.stringify(req.headers['content-type'] ?? '')}` });
      }
      let parsed: unknown;
      try {
        parsed = body === '' ? undefined : JSON.parse(body);
      } catch {
        return send(res, 400, { error: 'body is not JSON' });
      }
      const r = handleControl(control, method, path, parsed);
      return send(res, r.status, r.json);
    }

    const query = url.search.startsWith('?') ? url.search.slice(1) : '';
    const params = new URLSearchParams(query);
    if (body !== '') for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
    const entry: RequestLogEntry = { time: Date.now(), simTime: clock.now(), method, path, params: paramsForLog(params), status: 0 };
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);

    const fault = faults.take(method, path);
    if (fault) entry.fault = fault.kind;
    if (fault && (fault.kind === 'drop')) {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    const early = fault ? faultResponse(fault) : undefined;
    if (early) {
      entry.status = early.status;
      res.writeHead(early.status, early.headers);
      res.end(early.body);
      return;
    }

    const { status, json, headers } = answer(method, path, query, body, params, req.headers['x-mbx-apikey']);
    entry.status = status;
    if (status !== 200 && typeof (json as { code?: unknown }).code === 'number') entry.code = (json as { code: number }).code;
    if (fault?.kind === 'accept-then-drop') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise((r) => setTimeout(r, fault.ms));
      if (req.socket.destroyed) return;
    }
    send(res, status, json, headers);
  }

  function answer(method: string, path: string, query: string, body: string, params: URLSearchParams, key: string | string[] | undefined): { status: number; json: unknown; headers?: Record<string, string> } {
    const route = `${method} ${path}`;
    try {
      checkParams(params);
      const pub = publicRoutes[route] as Route | undefined;
      const signed = signedRoutes[route] as Route | undefined;
      if (!pub && !signed) throw E.unsupported(method, path);
      if (signed) authenticate(query, body, params, key);
      const now = venue.sync();
      const ctx: RouteContext = { venue, params, now };
      return { status: 200, json: (pub ?? signed)!(ctx) };
    } catch (err) {
      if (err instanceof BinanceError) return { status: err.status, json: { code: err.code, msg: err.message }, headers: err.headers };
      throw err;
    }
  }

  function authenticate(query: string, body: string, params: URLSearchParams, key: string | string[] | undefined): void {
    if (typeof key !== 'string' || key === '') throw E.keyFormat();
    if (key !== apiKey) throw E.badKey();
    const ts = params.get('timestamp');
    if (!ts) throw E.mandatory('timestamp');
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw new BinanceError(400, -1131, 'recvWindow must be less than 60000');
    const now = clock.now();
    const t = Number(ts);
    // Binance: at most 1 s ahead of the server, at most recvWindow behind it. Both are wall-clock
    // durations: an accelerated replay stretches them by its speed, so a client that synced with
    // /time stays valid for recvWindow of real time, as against the real exchange.
    const stretch = Math.max(1, clock.rate);
    if (!Number.isFinite(t) || t >= now + 1000 * stretch || now - t > recvWindow * stretch) throw E.timestamp();
    const { payload, signature } = signedPayload(query, body);
    if (!signature) throw E.mandatory('signature');
    if (!signatureMatches(apiSecret, payload, signature)) throw E.badSignature();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UsageError(`port ${options.port} is already in use`, { cause: err }) : err),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const timer = speed > 0 ? setInterval(() => venue.sync(), options.matchEveryMs ?? 50) : undefined;
  if (timer) timer.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function faultResponse(f: FaultAction): { status: number; headers: Record<string, string>; body: string } | undefined {
  const json = (e: BinanceError) => ({ status: e.status, headers: { 'Content-Type': 'application/json;charset=UTF-8', ...e.headers }, body: e.body() });
  switch (f.kind) {
    case 'error': {
      const e = new BinanceError(f.status ?? 400, f.code, f.msg ?? 'Simulated error.', f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {});
      return json(e);
    }
    case 'rate-limit':
      return json(E.tooManyRequests(f.retryAfter ?? 1));
    case 'ban': {
      const s = f.retryAfter ?? 120;
      return json(E.banned(Date.now() + s * 1000, s));
    }
    case 'status':
      return { status: f.status, headers: { 'Content-Type': 'text/plain' }, body: f.body ?? '' };
    case 'html': {
      const status = f.status ?? 502;
      return {
        status,
        headers: { 'Content-Type': 'text/html' },
        body: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>cloudfront</center></body></html>`,
      };
    }
    default:
      return undefined;
  }
}

function send(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** An error answer that also closes the connection: the rest of the request is never read. */
function refuse(res: ServerResponse, status: number, error: string): void {
  send(res, status, { error }, { Connection: 'close' });
}

/** Past the limit the rest of a body is read and dropped up to this much, then the socket is cut. */
const DRAIN_BYTES = 8 * MAX_BODY_BYTES;

/**
 * The body as text, or null once it passes MAX_BODY_BYTES (nothing more is kept). An oversized
 * body is drained (read and dropped) to its end before the 413 goes out, up to DRAIN_BYTES: a
 * socket closed while the client is still sending is reset, and the reset can swallow the 413
 * before the client reads it (the client sees EPIPE instead of an answer).
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (!over && size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(c);
      else if (size > DRAIN_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve(null);
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Host must name this server: a loopback name and our port (the port may be left out only for 80). */
function hostIsUs(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m || !LOOPBACK_NAMES.has(m[1]!)) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

function loopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_NAMES.has(u.hostname);
  } catch {
    return false; // "null" (a sandboxed page, a file) or garbage
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Binance refuses a parameter sent twice (query and body together) and too many of them. */
function checkParams(params: URLSearchParams): void {
  const seen = new Set<string>();
  let n = 0;
  for (const k of params.keys()) {
    if (seen.has(k)) throw new BinanceError(400, -1101, 'Duplicate values for a parameter detected.');
    seen.add(k);
    if (++n > MAX_PARAMS) throw new BinanceError(400, -1101, 'Too many parameters sent for this endpoint.');
  }
}

function paramsForLog(p: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of p) {
    if (k === 'signature') continue;
    if (++n > MAX_PARAMS) break;
    out[k.slice(0, MAX_LOGGED_VALUE)] = v.length > MAX_LOGGED_VALUE ? `${v.slice(0, MAX_LOGGED_VALUE)}…` : v;
  }
  return out;
}

// ------------------------------------------------------------------ price sources

async function buildSources(o: SimOptions): Promise<{ sources: Map<string, PriceSource>; markets: MarketInfo[]; start: number }> {
  const sources = new Map<string, PriceSource>();
  const markets: MarketInfo[] = [];
  if (o.data) {
    const loaded = await readCandleFile(o.data, o.timeframe ? { timeframe: o.timeframe } : {});
    const { symbolFromFileName } = await import('../../backtest.js');
    const symbol = o.pair ?? symbolFromFileName(o.data) ?? 'BTC/USDT';
    const s = loaded.series;
    const start = o.start ?? s.time[Math.min(500, Math.floor(s.length / 2))]!;
    sources.set(symbol, new ReplaySource(symbol, s, start));
    markets.push(marketFor(symbol, { ...DEFAULT_MARKET, priceTick: tickOf(s), ...o.market }));
    return { sources, markets, start };
  }
  const start = o.start ?? Date.now();
  const w = o.walk ?? {};
  const tfMs = timeframeToMs(w.timeframe ?? '1s');
  for (const [i, { symbol, price }] of (w.symbols ?? [{ symbol: 'BTC/USDT', price: 30_000 }]).entries()) {
    const m = marketFor(symbol, { ...DEFAULT_MARKET, ...o.market });
    sources.set(
      symbol,
      new WalkSource({
        symbol,
        startPrice: price,
        start,
        timeframeMs: tfMs,
        volatility: w.volatility ?? 0.0005,
        seed: (w.seed ?? 42) + i,
        history: w.history ?? 3600,
        decimals: m.priceTick ? m.priceTick.decimalPlaces() : 8,
      }),
    );
    markets.push(m);
  }
  return { sources, markets, start };
}

/** The tick a candle file's prices imply: 10^-d for the most decimals seen (at most 8). */
function tickOf(s: CandleSeries): Decimal {
  let d = 0;
  const n = Math.min(s.length, 5000);
  for (let i = 0; i < n && d < 8; i++) {
    for (const a of [s.open, s.high, s.low, s.close]) {
      const x = String(a[i]);
      const dot = x.indexOf('.');
      if (x.includes('e')) d = 8;
      else if (dot >= 0) d = Math.max(d, x.length - dot - 1);
    }
  }
  return new Dec(10).pow(-Math.min(d, 8));
}
