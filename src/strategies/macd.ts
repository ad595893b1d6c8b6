import type { StrategyDefinition } from './types.js';
import { Crossover } from './crossover.js';

/** Buy when the MACD line crosses above its signal line, sell when it crosses below. */
export const macdCross: StrategyDefinition = {
  name: 'macd',
  description: 'Buy when MACD crosses above its signal line, sell when it crosses below',
  params: {
    fast: { type: 'int', default: 12, min: 1, max: 1000, description: 'fast EMA period' },
    slow: { type: 'int', default: 26, min: 2, max: 2000, description: 'slow EMA period' },
    signal: { type: 'int', default: 9, min: 1, max: 1000, description: 'signal EMA period' },
  },
  validate: (p) => (Number(p.fast) >= Number(p.slow) ? `fast (${p.fast}) must be below slow (${p.slow})` : undefined),
  create(p, { indicators }) {
    const macd = indicators.macd(Number(p.fast), Number(p.slow), Number(p.signal));
    const cross = new Crossover();
    return {
      onCandle(ctx) {
        macd.update(ctx.close);
        const c = cross.update(macd.macd, macd.signal);
        if (!ctx.inPosition) {
          if (c > 0 && ctx.openOrders === 0) ctx.buy();
        } else if (c < 0) ctx.sell();
      },
    };
  },
};
