import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import type { ParityDoc } from '../../src/parity/parity-report.js';

/** `tradebot parity`: a paper session against `tradebot sim` replayed through the backtester. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ s: SimServer; h: string }> {
  const s = await startSim({ data: SAMPLE_DATA, speed: 6000 });
  cleanups.push(() => s.close());
  const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-parity-'));
  cleanups.push(() => rmSync(h, { recursive: true, force: true }));
  return { s, h };
}

const closed = (h: string, bot: string) => readState(h, bot)?.engine?.portfolio.closed.length ?? 0;

function parity(h: string, args: string[]) {
  return runCliAsync(['parity', ...args], { cwd: h, env: { TRADEBOT_HOME: h, NO_COLOR: '1' } });
}

async function parityJson(h: string, bot: string, extra: string[] = []): Promise<ParityDoc> {
  const r = await parity(h, [bot, '--json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ParityDoc;
}

describe('tradebot parity', () => {
  it('a paper session matches its replay trade for trade, across a kill -9 and a restart', async () => {
    const { s, h } = await setup();
    const first = spawnPaper({ home: h, bot: 'p', url: s.url });
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await waitFor('two closed round trips', () => closed(h, 'p') >= 2, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = closed(h, 'p');
    // candles pile up while the bot is down: it catches up on them, and records them
    await new Promise((r) => setTimeout(r, 1000));
    const second = spawnPaper({ home: h, bot: 'p', url: s.url });
    cleanups.push(() => void second.child.kill('SIGKILL'));
    await waitFor('more round trips after the restart', () => closed(h, 'p') >= before + 2, 60_000);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    expect(existsSync(path.join(h, 'bots', 'p', 'candles', 'BTC_USDT-5m.tbc'))).toBe(true);
    const doc = await parityJson(h, 'p');
    const state = readState(h, 'p')!;
    expect(doc.schemaVersion).toBe(1);
    expect(doc.summary.sessionTrades).toBe(state.engine!.portfolio.closed.length + Object.keys(state.engine!.portfolio.open).length);
    expect(doc.summary.replayTrades).toBe(doc.summary.sessionTrades);
    expect(doc.summary.matched).toBe(1);
    expect(doc.summary.identical).toBe(1);
    expect(doc.summary.worstSlippageBps).toBe(0);
    expect(doc.summary.pnlDiff).toBe('0');
    expect(doc.sessionOnly).toEqual([]);
    expect(doc.replayOnly).toEqual([]);

    expect((await parity(h, ['p', '--assert', 'matched>=0.95,slippageBps<=5'])).code).toBe(0);
    const gated = await parity(h, ['p', '--assert', 'matched>1']);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain('matched');
    expect((await parity(h, ['p', '--assert', 'matchd>=1'])).code).toBe(2);
    expect((await parity(h, ['nobody'])).code).toBe(2);
  }, 150_000);

  it('attributes the trade a panic closed to the manual action', async () => {
    const { s, h } = await setup();
    // buys once and holds: the position is open whenever the panic comes
    writeFileSync(path.join(h, 'hold.mjs'), HOLD);
    const p = spawnPaper({ home: h, bot: 'm', url: s.url, extra: ['--strategy', './hold.mjs'] });
    cleanups.push(() => void p.child.kill('SIGKILL'));
    await waitFor('an open position', () => Object.keys(readState(h, 'm')?.engine?.portfolio.open ?? {}).length > 0, 60_000);
    const r = await runCliAsync(['panic', 'm', '--yes'], { cwd: h, env: { TRADEBOT_HOME: h } });
    expect(r.code).toBe(0);
    await p.exited;

    const doc = await parityJson(h, 'm');
    // the session sold at the panic, the replay still holds: one matched trade that differs, the panic's doing
    expect(doc.summary.matchedTrades).toBe(1);
    expect(doc.summary.identical).toBe(0);
    expect(doc.matched[0]!.cause).toBe('manual');
    expect(doc.matched[0]!.session.exitReason).toBe('panic');
    expect(doc.matched[0]!.replay.open).toBe(true);
    expect(Object.keys(doc.summary.pnlDiffByCause)).toEqual(['manual']);
    expect((await parity(h, ['m', '--assert', 'identical>=1'])).code).toBe(1);
  }, 120_000);
});

const HOLD = `export default {
  name: 'hold',
  description: 'buy once, hold',
  params: {},
  create() {
    // the warm-up's candles ask too (nothing is acted on then): the first live candle buys
    let held = false;
    return {
      onCandle(ctx) {
        if (ctx.inPosition) held = true;
        else if (!held) ctx.buy();
      },
    };
  },
};
`;
