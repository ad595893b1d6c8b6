import { Dec, type Dec as Decimal } from '../core/money.js';
import { OrderIds } from '../core/ids.js';
import { marketFor, type MarketInfo } from '../core/market.js';
import type { CandleSeries } from '../core/candles.js';
import { CONFIG_DEFAULTS } from '../config/schema.js';
import { tradingSettings } from '../engine-settings.js';
import { composeReplay } from '../compose.js';
import type { Decision } from '../engine/engine.js';
import type { PortfolioSnapshot } from '../core/portfolio.js';
import { indicators } from '../indicators/index.js';
import { settleSettings } from '../bot/bot-settings.js';
import type { StoredMarketInfo } from '../exchange/ccxt-market.js';
import type { BotStateDoc } from '../store/bot-state.js';

export interface Replay {
  portfolio: PortfolioSnapshot;
  /** every decision the replay's engine took (submitted, denied, rejected) */
  decisions: Decision[];
  /** the first candle the bot could act on: after its warm-up */
  from: number;
}

/**
 * The bot's recorded candles through the backtester's adapters (the one engine, via compose.ts),
 * with the settings the bot stored: strategy and parameters, stake, fee, slippage, risk, cash, and
 * its warm-up (nothing is acted on before the candle it first decided on).
 */
export async function replayBot(doc: BotStateDoc, candles: CandleSeries[], stored: (StoredMarketInfo | null)[], cwd: string): Promise<Replay> {
  const settled = await settleSettings(doc, structuredClone(CONFIG_DEFAULTS), {}, { mode: doc.bot.mode, reconfigure: false, cwd });
  const trading = tradingSettings(settled.cfg);
  const markets = doc.bot.pairs.map((p, k) => marketOf(p, stored[k] ?? null));
  const balances: Record<string, Decimal> = Object.fromEntries(Object.entries(doc.settings.cash).map(([k, v]) => [k, new Dec(v)]));
  const warmupUntil = doc.bot.warmup?.until;
  const { engine } = composeReplay({
    series: candles,
    instruments: doc.bot.pairs.map((symbol, k) => ({ symbol, market: markets[k]!, strategy: settled.strategy.create(settled.params, { indicators }) })),
    slippageBps: doc.settings.slippageBps,
    balances,
    settings: {
      quote: doc.bot.quote,
      initialBalances: balances,
      ...trading,
      ids: new OrderIds('parity'),
      // the bot halts its entries on a strategy error and keeps running: so does its replay
      onStrategyError: 'halt',
      ...(warmupUntil !== undefined ? { warmupUntil } : {}),
      dustLeavesLedger: doc.bot.mode === 'live',
    },
  });
  await engine.run();
  const tf = candles[0]?.timeframeMs ?? 0;
  return { portfolio: engine.portfolio.snapshot(), decisions: [...engine.decisions], from: warmupUntil !== undefined ? warmupUntil + tf : Math.min(...candles.map((s) => s.time[0] ?? Infinity)) };
}

function marketOf(symbol: string, m: StoredMarketInfo | null): MarketInfo {
  const extra: Partial<MarketInfo> = {};
  if (m?.amountStep) extra.amountStep = new Dec(m.amountStep);
  if (m?.priceTick) extra.priceTick = new Dec(m.priceTick);
  if (m?.minAmount) extra.minAmount = new Dec(m.minAmount);
  if (m?.minNotional) extra.minNotional = new Dec(m.minNotional);
  return marketFor(symbol, extra);
}
