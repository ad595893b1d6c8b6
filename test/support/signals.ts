/**
 * Signal bots in e2e tests: a webhook or http-signal bot as a child process against the loopback
 * Binance simulator on a wall-clock random walk (one-second candles, so alerts stamped with the
 * time now meet candles that close now), alerts posted over real HTTP, a fake signal service.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { startBot } from './bot-start.js';
import type { Spawned } from './cli-async.js';
import { readState, waitFor } from './paper.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

export const WEBHOOK_SECRET = 'planted-webhook-secret-4b1d9e';
export const SIGNAL_TOKEN = 'planted-signal-token-77c0a2';

/** The simulator on a random walk at wall-clock speed: a candle closes every second. */
export function walkSim(): Promise<SimServer> {
  return startSim({ walk: { volatility: 0.0005, seed: 7 } });
}

/** `tradebot paper|live --bot NAME` on the walk's 1 s candles, with the signal secrets planted. */
export function startSignalBot(o: { mode: 'paper' | 'live'; home: string; bot: string; url: string | null; extra: string[]; env?: Record<string, string | undefined> }): Spawned {
  const exchange = o.url === null ? [] : ['--exchange', 'binance', '--exchange-url', o.url, '--pair', 'BTC/USDT', '--timeframe', '1s'];
  return startBot([o.mode, '--bot', o.bot, ...exchange, '--poll', '100', '--warmup', '30', ...(o.mode === 'live' ? ['--yes'] : []), ...o.extra], {
    home: o.home,
    keys: o.mode === 'live',
    env: { TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET, TRADEBOT_SIGNAL_TOKEN: SIGNAL_TOKEN, ...o.env },
  });
}

/** The listener of the bot `child` runs, once that process has recorded where it listens. */
export async function listenUrl(home: string, bot: string, child: Spawned): Promise<string> {
  const addr = await waitFor(`bot ${bot} to listen (stderr: ${child.stderr()})`, () => {
    const doc = readState(home, bot);
    return doc?.runtime.status === 'running' && doc.runtime.pid === child.child.pid && doc.runtime.signals?.listen;
  }, 60_000);
  return `http://${addr}/webhook`;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POST an alert as TradingView does (text/plain), the secret put in unless given. */
export async function postAlert(url: string, alert: Record<string, unknown>, o: { contentType?: string } = {}): Promise<Answer> {
  const body = JSON.stringify({ secret: WEBHOOK_SECRET, pair: 'BTC/USDT', time: new Date().toISOString(), ...alert });
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': o.contentType ?? 'text/plain; charset=utf-8' }, body });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** The bot's orders by purpose, from its state file. */
export function botOrders(doc: BotStateDoc | null): { entries: number; exits: number } {
  const orders = doc?.engine?.orders ?? [];
  return { entries: orders.filter((o) => o.purpose === 'entry').length, exits: orders.filter((o) => o.purpose === 'exit').length };
}

export function inPosition(doc: BotStateDoc | null): boolean {
  return Object.keys(doc?.engine?.portfolio.open ?? {}).length > 0;
}

/** Every file under `dir` whose bytes contain `needle` (a planted secret must be in none). */
export function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export interface FakeService {
  url: string;
  /** requests received, in order */
  requests: { headers: IncomingHttpHeaders; body: { symbol: string; timeframe: string; candles: { time: number; close: number }[]; indicators: Record<string, unknown> } }[];
  /** how the next requests are answered */
  mode: 'long' | 'flat' | 'slow' | 'fail' | 'garbage' | 'rotate-failures' | ((body: FakeService['requests'][number]['body']) => { signal: string; confidence: number });
  close(): Promise<void>;
}

/** A signal service on loopback whose behaviour the test switches as it goes. */
export async function fakeService(): Promise<FakeService> {
  let failures = 0;
  const svc: FakeService = {
    url: '',
    requests: [],
    mode: 'long',
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as FakeService['requests'][number]['body'];
      svc.requests.push({ headers: req.headers, body });
      const answer = (x: unknown) => res.end(JSON.stringify(x));
      let mode = svc.mode;
      if (mode === 'rotate-failures') mode = (['slow', 'fail', 'garbage'] as const)[failures++ % 3]!;
      if (typeof mode === 'function') return answer(mode(body));
      if (mode === 'long') return answer({ signal: 'long', confidence: 0.9 });
      if (mode === 'flat') return answer({ signal: 'flat', confidence: 0.9 });
      if (mode === 'garbage') return answer({ signal: 'to the moon', confidence: 'very' });
      if (mode === 'fail') return (res.statusCode = 503), res.end('down for maintenance');
      // slow: well past the bot's timeout
      setTimeout(() => answer({ signal: 'long', confidence: 0.9 }), 5_000).unref();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  svc.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/decide`;
  svc.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return svc;
}
