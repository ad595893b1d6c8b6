import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import { readState, waitFor } from '../support/paper.js';
import { journalFills, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive } from '../support/live.js';

/** tradebot live against the loopback exchange, through the real ccxt client (every request signed). */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(o: Parameters<typeof liveSim>[0] = {}): Promise<SimServer> {
  const s = await liveSim(o);
  cleanups.push(() => s.close());
  return s;
}

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-live-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function live(o: Parameters<typeof spawnLive>[0]) {
  const p = spawnLive(o);
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

describe('tradebot live against tradebot sim', () => {
  it('trades a session with entries and exits: its fills are the exchange\'s trades and its ledger the exchange\'s account', async () => {
    const s = await sim();
    const h = home();
    const p = live({ home: h, bot: 'l1', url: s.url });
    await waitFor('two closed round trips', () => (readState(h, 'l1')?.engine?.portfolio.closed.length ?? 0) >= 2, 60_000);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);

    const doc = readState(h, 'l1')!;
    expect(doc.runtime.status).toBe('stopped');
    expect(doc.bot.mode).toBe('live');
    expect(doc.bot.account).toBe('trad…-key'); // the masked key, never the key
    const fills = journalFills(h, 'l1');
    const trades = s.control.state().trades;
    expect(trades.length).toBeGreaterThanOrEqual(4);
    expect([...fills.keys()].sort()).toEqual(trades.map((t) => String(t.id)).sort());
    for (const t of trades) {
      const f = fills.get(String(t.id))!;
      expect(sameDecimal(f.qty, String(t.qty))).toBe(true);
      expect(sameDecimal(f.price, String(t.price))).toBe(true);
    }
    const totals = simTotals(s);
    for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), `${c}: bot ${doc.engine!.portfolio.balances[c]} vs exchange ${totals[c]}`).toBe(true);
    // one exchange order per intent
    for (const [id, n] of orderPosts(s)) expect(n, id).toBe(1);
    expect(readJournal(h, 'l1').filter((e) => e.type === 'intent').length).toBe(orderPosts(s).size);
  }, 90_000);

  it('refuses to trade without a terminal unless --yes: exit 2, nothing sent', async () => {
    const s = await sim();
    const h = home();
    const p = live({ home: h, bot: 'guard', url: s.url, yes: false });
    const r = await p.exited;
    expect(r.code).toBe(2);
    expect(p.stderr()).toContain('--yes');
    expect(s.control.requests().filter((q) => q.path === '/api/v3/order')).toEqual([]);
    expect(s.control.requests().filter((q) => q.path === '/api/v3/account')).toEqual([]); // keys never even used
  }, 30_000);

  it('stops with exit 4 and a clear message when the exchange refuses the keys', async () => {
    const s = await sim();
    const h = home();
    const p = live({ home: h, bot: 'badkey', url: s.url, env: { TRADEBOT_API_KEY: 'not-the-right-key-1234' } });
    const r = await p.exited;
    expect(r.code).toBe(4);
    expect(p.stderr()).toMatch(/credentials/);
    expect(p.stderr()).not.toContain('not-the-right-key-1234');
    expect(orderPosts(s).size).toBe(0);
  }, 30_000);
});
