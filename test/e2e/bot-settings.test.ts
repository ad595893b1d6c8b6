import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { liveSim } from '../support/live.js';
import { readState, waitFor } from '../support/paper.js';
import { logRecords, startBot } from '../support/bot-start.js';

/**
 * RELIABILITY row 27: a bot is what it was created as. Restarted with fewer flags it keeps every
 * stored setting (its exchange URL above all); a different value is refused unless --reconfigure;
 * a refused start shows in the bot's log and in `status NAME`.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(cleanupTmpDirs);

async function sim(): Promise<SimServer> {
  const s = await liveSim();
  cleanups.push(() => s.close());
  return s;
}

/** Start a bot, wait until it has handled a candle after `since`, stop it with SIGTERM (exit 0). */
async function runOnce(args: string[], o: { home: string; bot: string; keys?: boolean; since?: number }): Promise<BotStateDoc> {
  const p = startBot(args, { home: o.home, ...(o.keys ? { keys: true } : {}) });
  cleanups.push(() => void p.child.kill('SIGKILL'));
  await waitFor(`bot ${o.bot} running`, () => {
    const d = readState(o.home, o.bot);
    return d?.runtime.status === 'running' && (d.runtime.startedAt ?? 0) > (o.since ?? 0) && d.engine?.lastBarTime[0] != null;
  }, 60_000);
  p.child.kill('SIGTERM');
  const r = await p.done;
  expect(r.code, r.stderr).toBe(0);
  return readState(o.home, o.bot)!;
}

/** What a bot is made of: identity and settings, without what changes on every run. */
const kept = (d: BotStateDoc) => ({ bot: { ...d.bot, warmup: null }, settings: d.settings });

const status = (home: string, bot: string) => JSON.parse(runCli(['status', bot, '--json'], { cwd: home, env: { TRADEBOT_HOME: home } }).stdout) as { lastError: { message: string } | null };

describe('a paper bot keeps the settings it was created with', { timeout: 240_000 }, () => {
  it('resumes from its name alone with every stored setting, its exchange URL included; refuses a different one; --reconfigure changes it', async () => {
    const s = await sim();
    const home = makeTmpDir();
    const created = [
      'paper', '--bot', 'keep', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--poll', '100', '--warmup', '100',
      '--param', 'fast=10', '--fee', '0.002', '--stake', '50%', '--slippage', '5', '--stop-loss', '0.05', '--max-open-positions', '1', '--cash', '5000',
    ];
    const first = await runOnce(created, { home, bot: 'keep' });
    expect(first.bot).toMatchObject({ exchange: 'binance', apiUrl: s.url, pairs: ['BTC/USDT'], timeframe: '5m', strategy: { name: 'ema-cross', params: { fast: 10, slow: 26 } } });
    expect(first.settings).toMatchObject({ fee: '0.002', stake: '50%', slippageBps: 5, cash: { USDT: '5000' }, warmup: 100, risk: { stopLoss: 0.05, maxOpenPositions: 1 } });

    // ---- the name alone: every stored setting, on the same (loopback) exchange
    const asked = s.control.requests().length;
    const resumed = await runOnce(['paper', '--bot', 'keep', '--poll', '100'], { home, bot: 'keep', since: first.runtime.startedAt! });
    expect(kept(resumed)).toEqual(kept(first));
    expect(s.control.requests().length).toBeGreaterThan(asked); // it asked the sim, not another exchange

    // ---- a different value, from the command line or the config file: refused, nothing changed
    const before = readFileSync(path.join(home, 'bots', 'keep', 'state.json'), 'utf8');
    // [flags, setting, stored, asked, exit code]: the bot's exchange, pairs and timeframe are what
    // its state is about, so another one is a state mismatch (5), as another mode or account is
    const refusals: [string[], string, string, string, number?][] = [
      [['--param', 'fast=11'], 'strategy.params.fast', '10', '11'],
      [['--fee', '0.003'], 'fee', '0.002', '0.003'],
      [['--stake', '10%'], 'stake', '50%', '10%'],
      [['--slippage', '0'], 'slippage', '5', '0'],
      [['--exchange-url', 'http://127.0.0.1:9'], 'exchange.apiUrl', s.url, 'http://127.0.0.1:9'],
      [['--stop-loss', '0.1'], 'risk.stopLoss', '0.05', '0.1'],
      [['--take-profit', '0.1'], 'risk.takeProfit', 'none', '0.1'],
      [['--max-open-positions', '2'], 'risk.maxOpenPositions', '1', '2'],
      [['--cash', '6000'], 'cash', 'USDT=5000', 'USDT=6000'],
      [['--warmup', '50'], 'paper.warmup', '100', '50'],
      [['--strategy', 'macd'], 'strategy', 'ema-cross', 'macd'],
      [['--pair', 'ETH/USDT', '--reconfigure'], 'pair', 'BTC/USDT', 'ETH/USDT', 5],
      [['--timeframe', '1m', '--reconfigure'], 'timeframe', '5m', '1m', 5],
      [['--exchange', 'kraken', '--reconfigure'], 'exchange', 'binance', 'kraken', 5],
    ];
    let refused = 0;
    for (const [flags, key, was, now, code = 2] of refusals) {
      const r = await startBot(['paper', '--bot', 'keep', ...flags], { home }).done;
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code);
      const lines = r.stderr.trim().split('\n');
      expect(lines, flags.join(' ')).toHaveLength(1);
      expect(lines[0]).toContain(key);
      expect(lines[0]).toContain(was);
      expect(lines[0]).toContain(now);
      refused++;
      // the refusal is in the log and in status; the state file is as it was
      const last = logRecords(home, 'keep').at(-1)!;
      expect(last).toMatchObject({ level: 'error', event: 'start-refused', exitCode: code });
      expect(status(home, 'keep').lastError?.message).toBe(`start refused: ${String(last.message)}`);
      expect(readFileSync(path.join(home, 'bots', 'keep', 'state.json'), 'utf8')).toBe(before);
    }
    expect(logRecords(home, 'keep').filter((l) => l.event === 'start-refused')).toHaveLength(refused);

    const cfgDir = makeTmpDir();
    writeFileSync(path.join(cfgDir, 'tradebot.config.yaml'), 'fee: 0.004\n');
    const fromFile = await startBot(['paper', '--bot', 'keep'], { home, cwd: cfgDir }).done;
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/fee is 0\.002, not 0\.004/);

    // ---- --reconfigure: the asked values win, the rest stays
    const changed = await runOnce(['paper', '--bot', 'keep', '--poll', '100', '--fee', '0.003', '--param', 'fast=11', '--reconfigure'], { home, bot: 'keep', since: resumed.runtime.startedAt! });
    expect(changed.settings.fee).toBe('0.003');
    expect(changed.bot.strategy.params).toEqual({ fast: 11, slow: 26 });
    expect(kept({ ...changed, settings: { ...changed.settings, fee: '0.002' }, bot: { ...changed.bot, strategy: { ...changed.bot.strategy, params: { fast: 10, slow: 26 } } } })).toEqual(kept(first));
    expect(changed.runtime.lastError).toBeNull();
  });
});

describe('a live bot keeps its exchange URL', { timeout: 240_000 }, () => {
  it('restarted without --exchange-url it trades on the URL it was created with; another URL is refused; a failed --reconfigure keeps the bot', async () => {
    const s = await sim();
    const home = makeTmpDir();
    const first = await runOnce(['live', '--bot', 'lv', '--exchange', 'binance', '--exchange-url', s.url, '--pair', 'BTC/USDT', '--timeframe', '5m', '--poll', '100', '--warmup', '100', '--yes'], { home, bot: 'lv', keys: true });
    expect(first.bot.apiUrl).toBe(s.url);

    const asked = s.control.requests().length;
    const again = await runOnce(['live', '--bot', 'lv', '--poll', '100', '--yes'], { home, bot: 'lv', keys: true, since: first.runtime.startedAt! });
    expect(again.bot.apiUrl).toBe(s.url);
    expect(kept(again)).toEqual(kept({ ...first, settings: { ...first.settings, cash: again.settings.cash } }));
    expect(s.control.requests().length).toBeGreaterThan(asked);

    // reconcile (and orders --bot) act on the bot's own exchange URL too
    const rec = await startBot(['reconcile', 'lv'], { home, keys: true }).done;
    expect(rec.code, rec.stderr).toBe(0);
    const recElsewhere = await startBot(['reconcile', 'lv', '--exchange-url', 'http://127.0.0.1:9'], { home, keys: true }).done;
    expect(recElsewhere.code, recElsewhere.stderr).toBe(2);
    expect(recElsewhere.stderr).toContain(s.url);

    const other = await startBot(['live', '--bot', 'lv', '--yes', '--exchange-url', 'http://127.0.0.1:9'], { home, keys: true }).done;
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(s.url);

    // re-pointed on purpose at an exchange that does not answer: exit 4, the bot as it was
    const files = ['state.json', 'journal.jsonl'].map((f) => readFileSync(path.join(home, 'bots', 'lv', f), 'utf8'));
    const moved = await startBot(['live', '--bot', 'lv', '--yes', '--exchange-url', 'http://127.0.0.1:9', '--reconfigure'], { home, keys: true }).done;
    expect(moved.code).toBe(4);
    expect(readFileSync(path.join(home, 'bots', 'lv', 'state.json'), 'utf8')).toBe(files[0]);
    expect(readFileSync(path.join(home, 'bots', 'lv', 'journal.jsonl'), 'utf8')).toBe(files[1]);
    expect(readState(home, 'lv')!.bot.apiUrl).toBe(s.url);
    expect(status(home, 'lv').lastError?.message).toMatch(/^start refused: /);
  });
});
