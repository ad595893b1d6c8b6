import type { CandleSeries } from '../core/candles.js';
import type { EntryOptions, ExitOptions, History, StrategyContext } from '../strategies/types.js';

export interface Intent {
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  price?: number;
  tag?: string;
}

/** Engine-side view of one instrument's position, in floats for the per-bar loop. */
export interface PositionView {
  base: number;
  inPosition: boolean;
  entryPrice: number;
  openOrders: number;
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

  buy(opts?: EntryOptions): void {
    this.intents.push(toIntent('buy', opts));
  }

  sell(opts?: ExitOptions): void {
    this.intents.push(toIntent('sell', opts));
  }
}

function toIntent(side: 'buy' | 'sell', opts?: EntryOptions | ExitOptions): Intent {
  const type = opts?.type ?? 'market';
  if (type === 'limit' && !(typeof opts?.price === 'number' && Number.isFinite(opts.price) && opts.price > 0)) {
    throw new RangeError(`a limit ${side} needs a positive finite price`);
  }
  return { side, type, ...(opts?.price !== undefined ? { price: opts.price } : {}), ...(opts?.tag !== undefined ? { tag: opts.tag } : {}) };
}
