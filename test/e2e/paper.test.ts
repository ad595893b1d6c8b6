import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { runBacktest } from '../../src/backtest.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { SAMPLE_DATA } from '../support/cli.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';

const TF = 300_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(speed: number): Promise<SimServer> {
  const s = await startSim({ data: SAMPLE_DATA, speed });
  cleanups.push(() => s.close());
  return s;
}

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-paper-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The backtest a paper bot must equal: same candles, same warm-up, same market rules. */
async function backtestLike(doc: BotStateDoc) {
  const w = doc.bot.warmup!;
  const last = doc.engine!.lastBarTime[0]!;
  const cfg = resolveConfig({
    strategy: { name: 'ema-cross', params: {} },
    cash: 10_000,
    stake: '99%',
    fee: 0.001,
    pair: 'BTC/USDT',
    market: { amountStep: 0.00001, priceTick: 0.01, minAmount: 0.00001, minNotional: 5 },
    backtest: { data: SAMPLE_DATA, from: w.from, to: last, warmup: (w.until - w.from) / TF + 1 },
  });
  return (await runBacktest(cfg, { cwd: process.cwd() })).result;
}

const roundTrips = (doc: BotStateDoc) =>
  [...doc.engine!.portfolio.closed, ...Object.values(doc.engine!.portfolio.open)].map((rt) => ({
    entryTime: rt.entryTime,
    exitTime: rt.qty === '0' ? rt.exitTime : null,
    entryPrice: rt.entryPrice,
    exitPrice: rt.qty === '0' ? rt.exitPrice : null,
    qty: rt.entryQty,
  }));

const resultTrips = (r: Awaited<ReturnType<typeof backtestLike>>) =>
  r.trades.map((t) => ({ entryTime: t.entryTime, exitTime: t.exitTime, entryPrice: t.entryPrice, exitPrice: t.exitPrice, qty: t.qty }));

/** After any crash and restart: the backtest's trades exactly, no trade id twice, ledger = simulated account. */
async function expectRecovered(doc: BotStateDoc): Promise<void> {
  expect(roundTrips(doc)).toEqual(resultTrips(await backtestLike(doc)));
  const ids = doc.engine!.orders.flatMap((o) => o.tradeIds);
  expect(new Set(ids).size).toBe(ids.length);
  for (const [cur, bal] of Object.entries(doc.engine!.portfolio.balances)) {
    const a = doc.exchange!.accounts[cur]!;
    expect(Number(a.free) + Number(a.used)).toBeCloseTo(Number(bal), 9);
  }
}

describe('tradebot paper against tradebot sim', () => {
  it('decides and fills exactly as a backtest over the same candles, trade for trade', async () => {
    const s = await sim(6000);
    const h = home();
    const p = spawnPaper({ home: h, bot: 'parity', url: s.url });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('four closed round trips', () => (readState(h, 'parity')?.engine?.portfolio.closed.length ?? 0) >= 4, 60_000);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);

    const doc = readState(h, 'parity')!;
    expect(doc.runtime.status).toBe('stopped');
    const bt = await backtestLike(doc);
    expect(roundTrips(doc)).toEqual(resultTrips(bt));
    expect(doc.engine!.portfolio.balances.USDT).toBe(String(Number(doc.engine!.portfolio.balances.USDT))); // a decimal string
  }, 90_000);

  it('loses nothing and duplicates nothing across kill -9 and a restart', async () => {
    const s = await sim(6000);
    const h = home();
    const first = spawnPaper({ home: h, bot: 'crashy', url: s.url });
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await waitFor('two closed round trips', () => (readState(h, 'crashy')?.engine?.portfolio.closed.length ?? 0) >= 2, 60_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const before = readState(h, 'crashy')!;

    // the sim keeps running: candles pile up while the bot is down, and it must catch up in order
    await new Promise((r) => setTimeout(r, 1500));
    const second = spawnPaper({ home: h, bot: 'crashy', url: s.url });
    cleanups.push(() => void second.child.kill('SIGKILL'));
    await waitFor('more round trips after the restart', () => (readState(h, 'crashy')?.engine?.portfolio.closed.length ?? 0) >= before.engine!.portfolio.closed.length + 2, 60_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    await expectRecovered(readState(h, 'crashy')!);
  }, 120_000);

  it('refuses a second paper process on the same bot, naming the lock owner', async () => {
    const s = await sim(600);
    const h = home();
    const p = spawnPaper({ home: h, bot: 'solo', url: s.url });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('the bot to run', () => readState(h, 'solo')?.runtime.status === 'running');
    const second = spawnPaper({ home: h, bot: 'solo', url: s.url });
    const r = await second.exited;
    expect(r.code).toBe(5);
    expect(second.stderr()).toContain(`pid ${p.child.pid}`);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(130);
    expect(readState(h, 'solo')!.runtime.status).toBe('stopped');
  }, 60_000);
});

describe('tradebot paper recovery at named crash points', () => {
  for (const point of ['after-journal', 'after-send', 'after-ack', 'after-fill', 'mid-snapshot']) {
    it(`recovers from a kill at ${point}: fills equal balances, no duplicate trade ids, nothing lost`, async () => {
      const s = await sim(6000);
      const h = home();
      const crashing = spawnPaper({ home: h, bot: 'kp', url: s.url, env: { TRADEBOT_CRASH_AT: `${point}:3` } });
      cleanups.push(() => void crashing.child.kill('SIGKILL'));
      const died = await crashing.exited;
      expect(died.signal).toBe('SIGKILL');

      const again = spawnPaper({ home: h, bot: 'kp', url: s.url });
      cleanups.push(() => void again.child.kill('SIGKILL'));
      await waitFor('three closed round trips', () => (readState(h, 'kp')?.engine?.portfolio.closed.length ?? 0) >= 3, 60_000);
      again.child.kill('SIGTERM');
      expect((await again.exited).code).toBe(0);

      await expectRecovered(readState(h, 'kp')!);
    }, 90_000);
  }
});
