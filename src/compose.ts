import type { CandleSeries } from './core/candles.js';
import type { MarketInfo } from './core/market.js';
import type { Dec as Decimal } from './core/money.js';
import { Engine, type EngineSettings, type Instrument } from './engine/engine.js';
import { SimulatedClock, SystemClock } from './engine/clocks.js';
import type { ExchangePort, Feed, Store } from './engine/ports.js';
import type { EngineEventSink } from './engine/events.js';
import { ArrayFeed } from './data/array-feed.js';
import { TimeMergedFeed } from './data/time-merged-feed.js';
import { SimExchange, type SimExchangeOptions, type SimExchangeSnapshot } from './exchange/sim-exchange.js';
import { MemoryStore } from './store/memory-store.js';
import type { StrategyInstance } from './strategies/types.js';

/**
 * The composition root: the only place that picks adapters for a mode. The engine itself does not
 * know which mode it runs in.
 *
 * | mode     | clock     | feed               | exchange                          | store           |
 * | backtest | simulated | candles in memory  | SimExchange (fill model)          | memory          |
 * | paper    | system    | ccxt (polled)      | SimExchange fed by live prices    | JSON state      |
 * | live     | system    | ccxt               | ccxt adapter                      | JSON + journal  |
 * | replay   | simulated | a bot's recorded candles, in time order | SimExchange (fill model) | memory |
 */
export interface BacktestComposition {
  engine: Engine;
  exchange: SimExchange;
  store: MemoryStore;
}

export function composeBacktest(p: {
  series: CandleSeries;
  market: MarketInfo;
  strategy: StrategyInstance;
  settings: EngineSettings;
  slippageBps: number;
  balances: Record<string, Decimal>;
  maxVolumeFraction?: number;
  /** a signal strategy settles each candle's signal between the feed and the engine (src/signals/signal-feed.ts) */
  wrapFeed?: (feed: Feed) => Feed;
}): BacktestComposition {
  const exchange = new SimExchange({
    markets: [p.market],
    balances: p.balances,
    feeRate: p.settings.feeRate,
    slippageBps: p.slippageBps,
    historyLimit: 1000,
    ...(p.maxVolumeFraction !== undefined ? { maxVolumeFraction: p.maxVolumeFraction } : {}),
  });
  const store = new MemoryStore();
  const engine = new Engine([{ symbol: p.market.symbol, market: p.market, strategy: p.strategy }], p.settings, {
    clock: new SimulatedClock(p.series.length > 0 ? p.series.time[0]! : 0),
    feed: p.wrapFeed ? p.wrapFeed(new ArrayFeed([p.series])) : new ArrayFeed([p.series]),
    exchange,
    store,
  });
  return { engine, exchange, store };
}

/**
 * A backtest of a paper or live bot's recorded candles (`tradebot parity`): the backtest adapters,
 * with all of the bot's instruments fed candle by candle in time order as its live feed did.
 */
export function composeReplay(p: {
  series: CandleSeries[];
  instruments: Instrument[];
  settings: EngineSettings;
  slippageBps: number;
  balances: Record<string, Decimal>;
}): BacktestComposition {
  const exchange = new SimExchange({ markets: p.instruments.map((x) => x.market), balances: p.balances, feeRate: p.settings.feeRate, slippageBps: p.slippageBps, historyLimit: 1000 });
  const store = new MemoryStore();
  const first = Math.min(...p.series.map((s) => (s.length > 0 ? s.time[0]! : Infinity)));
  const engine = new Engine(p.instruments, p.settings, { clock: new SimulatedClock(Number.isFinite(first) ? first : 0), feed: new TimeMergedFeed(p.series), exchange, store });
  return { engine, exchange, store };
}

/**
 * Paper and live: the system clock, candles from the exchange, durable state. Paper fills on the
 * simulated exchange fed by those candles (restored from the bot's state); live sends orders to
 * the exchange itself. Returns the engine and, for paper, the simulated exchange to persist.
 */
export function composeBot(p: {
  mode: 'paper' | 'live';
  instruments: Instrument[];
  settings: EngineSettings;
  feed: Feed;
  store: Store;
  /** the ccxt adapter: market data for both modes, the order venue for live */
  exchange: ExchangePort;
  /** the bot's event stream: its log, notifications, metrics */
  events?: EngineEventSink;
  /** paper: the simulated exchange's settings and its saved state */
  paper?: { options: SimExchangeOptions; snapshot: SimExchangeSnapshot | null };
}): { engine: Engine; sim: SimExchange | null } {
  let sim: SimExchange | null = null;
  if (p.mode === 'paper') {
    if (!p.paper) throw new Error('composeBot: paper mode needs the simulated exchange settings');
    sim = p.paper.snapshot ? SimExchange.restore(p.paper.options, p.paper.snapshot) : new SimExchange(p.paper.options);
  }
  const engine = new Engine(p.instruments, p.settings, { clock: new SystemClock(), feed: p.feed, exchange: sim ?? p.exchange, store: p.store, ...(p.events ? { events: p.events } : {}) });
  return { engine, sim };
}
