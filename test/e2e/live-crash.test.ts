import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, waitFor } from '../support/paper.js';
import { journalFills, liveSim, orderPosts, readJournal, sameDecimal, simTotals, spawnLive } from '../support/live.js';

/** RELIABILITY rows 1, 2, 18 for live: killed at each named point, restarted, nothing sent twice. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('tradebot live recovery at named crash points', () => {
  for (const point of ['after-journal', 'after-send', 'after-ack', 'after-fill', 'mid-snapshot']) {
    it(`recovers from a kill at ${point}: one exchange order per intent, the ledger equals the exchange`, async () => {
      const s = await liveSim();
      cleanups.push(() => s.close());
      const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lcrash-'));
      cleanups.push(() => rmSync(h, { recursive: true, force: true }));

      const crashing = spawnLive({ home: h, bot: 'kp', url: s.url, env: { TRADEBOT_CRASH_AT: `${point}:3` } });
      cleanups.push(() => void crashing.child.kill('SIGKILL'));
      expect((await crashing.exited).signal).toBe('SIGKILL');
      const firstRun = readJournal(h, 'kp').filter((e) => e.type === 'intent');
      const killedAt = firstRun.length;
      // the intent the kill interrupted (mid-snapshot can strike before any order)
      const inFlight = firstRun.at(-1)?.order?.clientOrderId ?? '';

      const again = spawnLive({ home: h, bot: 'kp', url: s.url });
      cleanups.push(() => void again.child.kill('SIGKILL'));
      await waitFor('two more orders after the restart', () => readJournal(h, 'kp').filter((e) => e.type === 'intent').length >= killedAt + 2 && readState(h, 'kp')?.runtime.status === 'running', 60_000);
      again.child.kill('SIGTERM');
      const r = await again.exited;
      expect(r.code, again.stderr()).toBe(0);

      const doc = readState(h, 'kp')!;
      const posts = orderPosts(s);
      const onExchange = new Map<string, number>();
      for (const o of s.control.state().orders) onExchange.set(String(o.clientOrderId), (onExchange.get(String(o.clientOrderId)) ?? 0) + 1);
      const stateStatus = new Map(doc.engine!.orders.map((o) => [o.clientOrderId, o.status]));
      const journal = readJournal(h, 'kp');
      for (const e of journal.filter((x) => x.type === 'intent')) {
        const id = e.order!.clientOrderId;
        expect(posts.get(id) ?? 0, `${id} sent more than once`).toBeLessThanOrEqual(1);
        const n = onExchange.get(id) ?? 0;
        if (n === 0) {
          // never reached the exchange: marked not-placed, or refused (journaled as rejected)
          const rejected = journal.some((x) => x.type === 'status' && x.clientOrderId === id && x.status === 'rejected');
          expect(rejected || stateStatus.get(id) === 'not-placed', `${id}: not on the exchange, neither rejected nor not-placed (${stateStatus.get(id)})`).toBe(true);
        } else expect(n, id).toBe(1);
      }
      for (const [id, n] of onExchange) expect(n, id).toBe(1);
      if (point === 'after-journal') {
        // row 1: journaled, never sent: looked up, marked not-placed, never resent
        expect(inFlight).not.toBe('');
        expect(posts.get(inFlight) ?? 0).toBe(0);
        expect(stateStatus.get(inFlight)).toBe('not-placed');
      }
      if (point === 'after-send') {
        // row 2: accepted before the acknowledgement was journaled: found by client id and adopted
        expect(onExchange.get(inFlight)).toBe(1);
        expect(posts.get(inFlight)).toBe(1);
        expect(readJournal(h, 'kp').some((e) => e.type === 'fill' && e.fill!.clientOrderId === inFlight)).toBe(true);
      }
      // every trade of the account is one fill of the bot's, and the ledger is the account
      const fills = journalFills(h, 'kp');
      expect([...fills.keys()].sort()).toEqual(s.control.state().trades.map((t) => String(t.id)).sort());
      const totals = simTotals(s);
      for (const c of ['USDT', 'BTC']) expect(sameDecimal(doc.engine!.portfolio.balances[c], totals[c]), `${c}: bot ${doc.engine!.portfolio.balances[c]} vs exchange ${totals[c]}`).toBe(true);
      const ids = doc.engine!.orders.flatMap((o) => o.tradeIds);
      expect(new Set(ids).size).toBe(ids.length);
    }, 90_000);
  }
});
