/**
 * ctx.pair: the closed candles of another pair of the same run. At every candle a strategy sees
 * exactly the other pair's candles that closed at or before the current candle's close and that
 * the time-ordered feed has delivered (ties: the pair given first goes first): never one that
 * closes later (no lookahead).
 */
import { describe, expect, it } from 'vitest';
import { composeReplay } from '../../../src/compose.js';
import { Dec } from '../../../src/core/money.js';
import { marketFor } from '../../../src/core/market.js';
import { OrderIds } from '../../../src/core/ids.js';
import { UsageError } from '../../../src/core/errors.js';
import type { CandleSeries } from '../../../src/core/candles.js';
import type { StrategyInstance } from '../../../src/strategies/types.js';
import { bars } from '../../support/candles.js';

const T0 = 1_700_000_000_000;
const rows = (n: number, base: number) => Array.from({ length: n }, (_, i) => [base + i, base + i + 1, base + i - 1, base + i + 0.5] as const);

function run(series: CandleSeries[], symbols: string[], strategies: StrategyInstance[]) {
  const cash = new Dec(10_000);
  const { engine } = composeReplay({
    series,
    instruments: symbols.map((symbol, k) => ({ symbol, market: marketFor(symbol), strategy: strategies[k]! })),
    slippageBps: 0,
    balances: { USDT: cash },
    settings: { quote: 'USDT', initialBalances: { USDT: cash }, stake: { kind: 'fraction', value: new Dec('0.5') }, feeRate: new Dec('0.001'), limits: { maxOpenPositions: 2 }, ids: new OrderIds('t'), onStrategyError: 'throw' },
  });
  return engine.run();
}

describe('ctx.pair', () => {
  it('shows every candle of the other pair that closed at or before the current close, and none later', async () => {
    // ETH starts 3 candles later; both 1-minute candles on the same times
    const btc = bars(rows(40, 100));
    const eth = bars(rows(37, 10), T0 + 3 * 60_000);
    const problems: string[] = [];
    let checks = 0;
    const watcher = (me: string, other: string, otherSeries: CandleSeries, tieFirst: boolean): StrategyInstance => ({
      onCandle(ctx) {
        const h = ctx.pair(other);
        const close = ctx.time + 60_000;
        // every candle of the other pair closing before ours, and at the same time only if it came first
        let want = 0;
        for (let j = 0; j < otherSeries.length; j++) {
          const c = otherSeries.time[j]! + otherSeries.timeframeMs;
          if (c < close || (c === close && !tieFirst)) want = j + 1;
        }
        checks++;
        if (h.length !== want) problems.push(`${me} at ${ctx.time}: ${h.length} candles of ${other}, want ${want}`);
        for (let ago = 0; ago < h.length; ago++) {
          const j = h.length - 1 - ago;
          if (h.time(ago) !== otherSeries.time[j] || h.close(ago) !== otherSeries.close[j]) problems.push(`${me} at ${ctx.time}: ${other} candle ${ago} ago differs`);
          if (h.time(ago) + 60_000 > close) problems.push(`${me} at ${ctx.time}: sees ${other} candle at ${h.time(ago)}, which closes later (lookahead)`);
        }
        if (h.length > 0 && !Number.isNaN(h.close(h.length))) problems.push(`${me}: a candle before the first is not NaN`);
        expect(ctx.pair(me).close()).toBe(ctx.close);
      },
    });
    // BTC is given first: at a tie it goes first and does not yet see ETH's candle of that time
    await run([btc, eth], ['BTC/USDT', 'ETH/USDT'], [watcher('BTC/USDT', 'ETH/USDT', eth, true), watcher('ETH/USDT', 'BTC/USDT', btc, false)]);
    expect(problems).toEqual([]);
    expect(checks).toBe(77);
  });

  it('hides candles of a pair whose candles close later than the current one (offset times)', async () => {
    // ETH's candles open 30 s after BTC's: at BTC's close ETH's candle of that minute is still open
    const btc = bars(rows(10, 100));
    const eth = bars(rows(10, 10), T0 + 30_000);
    const seen: number[] = [];
    await run([btc, eth], ['BTC/USDT', 'ETH/USDT'], [
      {
        onCandle(ctx) {
          const h = ctx.pair('ETH/USDT');
          seen.push(h.length);
          if (h.length > 0) expect(h.time() + 60_000).toBeLessThanOrEqual(ctx.time + 60_000);
        },
      },
      { onCandle: () => undefined },
    ]);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a pair the run does not have, naming it', async () => {
    const btc = bars(rows(3, 100));
    const err = await run([btc], ['BTC/USDT'], [{ onCandle: (ctx) => void ctx.pair('XRP/USDT').close() }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/XRP\/USDT/);
  });
});
