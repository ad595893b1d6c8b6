import { describe, expect, it } from 'vitest';
import { settleSettings } from '../../../src/bot/bot-settings.js';
import { resolveConfig } from '../../../src/config/load-config.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { StateError, UsageError } from '../../../src/core/errors.js';
import type { BotStateDoc } from '../../../src/store/bot-state.js';
import { botDoc } from '../../support/bot-fixture.js';

/** The fixture bot: binance BTC/USDT 5m, ema-cross fast 12 slow 26, fee 0.001, stake 99%, cash USDT 10000, warm-up 500. */
const stored = (change: (d: BotStateDoc) => void = () => undefined): BotStateDoc => {
  const d = botDoc('s');
  d.bot.apiUrl = 'http://127.0.0.1:4000';
  change(d);
  return d;
};

const settle = (given: ConfigInput, o: { prev?: BotStateDoc | null; reconfigure?: boolean; mode?: 'paper' | 'live' } = {}) =>
  settleSettings(o.prev === undefined ? stored() : o.prev, resolveConfig(given), given, { mode: o.mode ?? 'paper', reconfigure: o.reconfigure ?? false, cwd: '/tmp' });

describe('a resumed bot runs with its stored settings', () => {
  it('nothing given: every stored setting, not the defaults', async () => {
    const s = await settle({});
    expect(s.cfg.exchange).toEqual({ id: 'binance', apiUrl: 'http://127.0.0.1:4000', sandbox: false });
    expect([s.cfg.pair, s.cfg.timeframe, s.cfg.fee, s.cfg.stake, s.cfg.slippage, s.cfg.paper.warmup, s.cfg.paper.balances]).toEqual(['BTC/USDT', '5m', 0.001, '99%', 0, 500, 'USDT=10000']);
    expect(s.params).toEqual({ fast: 12, slow: 26 });
    expect(s.changes).toEqual([]);
  });

  it('the same values written another way are the same: 0.0010, "99 %", a trailing slash, --param fast=12', async () => {
    const s = await settle({ fee: 0.001, stake: '99.0%', exchange: { apiUrl: 'http://127.0.0.1:4000/' }, strategy: { params: { fast: '12' as unknown as number } } });
    expect(s.changes).toEqual([]);
  });

  const drifts: [string, ConfigInput, string][] = [
    ['a parameter', { strategy: { params: { fast: 10 } } }, 'strategy.params.fast is 12, not 10'],
    ['the fee', { fee: 0.002 }, 'fee is 0.001, not 0.002'],
    ['the URL', { exchange: { apiUrl: 'http://127.0.0.1:5000' } }, 'exchange.apiUrl is http://127.0.0.1:4000, not http://127.0.0.1:5000'],
    ['a risk key that was not set', { risk: { stopLoss: 0.02 } }, 'risk.stopLoss is none, not 0.02'],
    ['the cash', { cash: 500 }, 'cash is USDT=10000, not USDT=500'],
    ['the strategy', { strategy: { name: 'rsi' } }, 'strategy is ema-cross, not rsi'],
    ['profit ladder', { risk: { takeProfitLadder: '0.01:0.5,0.02:0.5' } }, 'risk.takeProfitLadder is none, not 0.01:0.5,0.02:0.5'],
    ['stake (a kelly stake)', { stake: 'kelly:0.5' }, 'stake is 99%, not kelly:0.5'],
  ];
  it('keeps its position rules: a stored ladder, DCA and re-entry run again, and another ladder is refused', async () => {
    const prev = stored((d) => (d.settings.risk = { stopLoss: 0.02, takeProfitLadder: '0.01:0.3,0.02:0.7', breakevenAfter: 1, dca: 2, dcaStep: 0.02, reentry: 1, reentryWindow: 5, maxStake: '50%' }));
    const s = await settle({}, { prev });
    expect(s.cfg.risk).toMatchObject({ takeProfitLadder: '0.01:0.3,0.02:0.7', breakevenAfter: 1, dca: 2, dcaStep: 0.02, reentry: 1, reentryWindow: 5, maxStake: '50%' });
    await expect(settle({ risk: { takeProfitLadder: '0.01:1' } }, { prev })).rejects.toThrow(/risk.takeProfitLadder is 0.01:0.3,0.02:0.7, not 0.01:1/);
    // the same cap written another way is the same
    expect((await settle({ risk: { maxStake: '50.0%' } }, { prev })).changes).toEqual([]);
  });
  for (const [what, given, says] of drifts) {
    it(`another ${what}: refused (exit 2) naming both values; with reconfigure it is used`, async () => {
      const err = await settle(given).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toContain(says);
      const s = await settle(given, { reconfigure: true });
      expect(s.changes).toHaveLength(1);
    });
  }

  it('a reconfigured strategy starts from its own defaults, not the old strategy parameters', async () => {
    const s = await settle({ strategy: { name: 'rsi' } }, { reconfigure: true });
    expect(s.strategy.name).toBe('rsi');
    expect(Object.keys(s.params)).not.toContain('fast');
  });

  it('another exchange, pair or timeframe: a StateError (exit 5), even with reconfigure', async () => {
    for (const given of [{ exchange: { id: 'kraken' } }, { pair: 'ETH/USDT' }, { timeframe: '1m' }] as ConfigInput[]) {
      const err = await settle(given, { reconfigure: true }).catch((e: unknown) => e);
      expect(err, JSON.stringify(given)).toBeInstanceOf(StateError);
    }
  });

  it('a live bot takes its balances from the exchange: the cash is not one of its settings', async () => {
    const s = await settle({ cash: 500 }, { mode: 'live', prev: stored((d) => (d.bot.mode = 'live')) });
    expect(s.changes).toEqual([]);
  });

  it('what an older tradebot did not record is what this start gives, or the default', async () => {
    const prev = stored((d) => {
      d.bot.sandbox = null;
      d.settings.warmup = null;
    });
    const s = await settle({ paper: { warmup: 100 } }, { prev });
    expect([s.cfg.exchange.sandbox, s.cfg.paper.warmup]).toEqual([false, 100]);
    expect(s.changes).toEqual([]);
  });

  it('a strategy file whose path was not recorded must be given once', async () => {
    const prev = stored((d) => {
      d.bot.strategy = { name: 'mine', source: null, params: {} };
    });
    const err = await settle({}, { prev }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('--strategy');
  });

  it('a new bot: what was given, defaults for the rest', async () => {
    const s = await settle({ exchange: { id: 'binance' }, fee: 0.002 }, { prev: null });
    expect([s.cfg.exchange.id, s.cfg.fee, s.cfg.stake, s.source]).toEqual(['binance', 0.002, '99%', 'ema-cross']);
  });
});
