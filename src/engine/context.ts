import type { CandleSeries } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import type { Dec } from '../core/money.js';
import type { EntryOptions, ExitOptions, History, StrategyContext, TimeframeView, TradeView } from '../strategies/types.js';
import { HigherTimeframe } from './higher-timeframe.js';

export interface Intent {
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price?: number;
  tag?: string;
  /** buys: quote to spend; sells: unused */
  quote?: number;
  /** base quantity */
  amount?: number;
  /** buys: of the stake; sells: of the position */
  fraction?: number;
  /** why the engine sends it (absent: the strategy's signal) */
  cause?: string;
  /** the engine's own sizes, exact: a sell's base quantity, a buy's quote to spend */
  qty?: Dec;
  spend?: Dec;
}

/** The open trade in floats, refreshed after each fill and each close (ctx.trade). */
export class TradeState implements TradeView {
  entries = 0;
  qty = 0;
  avgPrice = NaN;
  openedAt = NaN;
  exitsDone = 0;
  lastClose = NaN;
  maxClose = -Infinity;
  /** the highest high since the entry, for a trailing stop placed again */
  maxHigh = -Infinity;

  get profitPct(): number {
    return this.lastClose / this.avgPrice - 1;
  }

  get maxProfitPct(): number {
    return this.maxClose / this.avgPrice - 1;
  }
}

/** Engine-side view of one instrument's position, in floats for the per-bar loop. */
export interface PositionView {
  base: number;
  inPosition: boolean;
  entryPrice: number;
  openOrders: number;
  /** the open trade (undefined when flat) */
  trade: TradeState | undefined;
  /** higher timeframes the strategy asked for, built on first use */
  timeframes: Map<string, HigherTimeframe> | null;
}

/**
 * The one context object handed to strategies, re-pointed at each closed candle. Reading a
 * candle ahead of the current one is impossible: history only counts backwards from it.
 */
export class EngineContext implements StrategyContext {
  symbol = '';
  s!: CandleSeries;
  i = 0;
  pos!: PositionView;
  cashF = 0;
  readonly intents: Intent[] = [];
  readonly history: History;

  constructor() {
    const self = this;
    const at = (arr: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume') =>
      function (ago = 0): number {
        if (ago < 0 || !Number.isInteger(ago)) throw new RangeError(`history(${ago}): only past candles can be read (ago >= 0)`);
        const j = self.i - ago;
        return j >= 0 ? self.s[arr][j]! : NaN;
      };
    this.history = {
      get length() {
        return self.i + 1;
      },
      time: at('time'),
      open: at('open'),
      high: at('high'),
      low: at('low'),
      close: at('close'),
      volume: at('volume'),
    };
  }

  get time(): number {
    return this.s.time[this.i]!;
  }
  get open(): number {
    return this.s.open[this.i]!;
  }
  get high(): number {
    return this.s.high[this.i]!;
  }
  get low(): number {
    return this.s.low[this.i]!;
  }
  get close(): number {
    return this.s.close[this.i]!;
  }
  get volume(): number {
    return this.s.volume[this.i]!;
  }
  get position(): number {
    return this.pos.base;
  }
  get inPosition(): boolean {
    return this.pos.inPosition;
  }
  get entryPrice(): number {
    return this.pos.entryPrice;
  }
  get openOrders(): number {
    return this.pos.openOrders;
  }
  get cash(): number {
    return this.cashF;
  }
  get trade(): TradeView | undefined {
    return this.pos.trade;
  }

  buy(opts?: EntryOptions): void {
    this.intents.push(toIntent('buy', opts));
  }

  sell(opts?: ExitOptions): void {
    this.intents.push(toIntent('sell', opts));
  }

  /** per instrument: the candles its strategy has been shown so far (ctx.pair) */
  readonly pairs: PairView[] = [];

  pair(symbol: string): History {
    for (const v of this.pairs) if (v.symbol === symbol) return v.history;
    throw new UsageError(`ctx.pair('${String(symbol)}'): the run has no pair ${String(symbol)} (it has ${this.pairs.map((v) => v.symbol).join(', ')})`);
  }

  timeframe(tf: string): TimeframeView {
    const p = this.pos;
    let h = p.timeframes?.get(tf);
    if (h === undefined) {
      if (typeof tf !== 'string') throw new UsageError(`ctx.timeframe(${String(tf)}): the timeframe must be a string such as '1h'`);
      h = new HigherTimeframe(tf, this.s);
      (p.timeframes ??= new Map()).set(tf, h);
    }
    return h.advance(this.i);
  }
}

/** What one instrument's strategy has been shown: candles 0..i of s. */
export class PairView {
  s: CandleSeries | undefined = undefined;
  i = -1;
  readonly history: History;

  constructor(readonly symbol: string) {
    const self = this;
    const at = (arr: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume') =>
      function (ago = 0): number {
        if (ago < 0 || !Number.isInteger(ago)) throw new RangeError(`history(${ago}): only past candles can be read (ago >= 0)`);
        const j = self.i - ago;
        return j >= 0 && self.s !== undefined ? self.s[arr][j]! : NaN;
      };
    this.history = {
      get length() {
        return self.i + 1;
      },
      time: at('time'),
      open: at('open'),
      high: at('high'),
      low: at('low'),
      close: at('close'),
      volume: at('volume'),
    };
  }
}

const positive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;

function toIntent(side: 'buy' | 'sell', opts?: EntryOptions | ExitOptions): Intent {
  if (opts === undefined) return { side, type: 'market' };
  const type = opts.type ?? 'market';
  if (type !== 'market' && type !== 'limit') throw new RangeError(`a ${side} type must be 'market' or 'limit', got ${String(type)}`);
  if (type === 'limit' && !positive(opts.price)) throw new RangeError(`a limit ${side} needs a positive finite price`);
  const it: Intent = { side, type };
  if (opts.price !== undefined) it.price = opts.price;
  if (opts.tag !== undefined) it.tag = String(opts.tag);
  const o = opts as EntryOptions & ExitOptions;
  const sizes = (['quote', 'amount', 'fraction'] as const).filter((k) => o[k] !== undefined);
  if (sizes.length > 1) throw new RangeError(`a ${side} takes one of quote, amount or fraction, not ${sizes.join(' and ')}`);
  if (side === 'sell' && o.quote !== undefined) throw new RangeError('a sell takes amount or fraction, not quote');
  for (const k of sizes) {
    if (!positive(o[k])) throw new RangeError(`${side}({ ${k} }) must be a positive finite number, got ${String(o[k])}`);
    if (k === 'fraction' && side === 'sell' && o.fraction! > 1) throw new RangeError(`sell({ fraction }) must be at most 1, got ${o.fraction}`);
    it[k] = o[k];
  }
  return it;
}
