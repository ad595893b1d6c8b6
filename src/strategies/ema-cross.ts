import type { StrategyDefinition } from './types.js';
import { Crossover } from './crossover.js';

/** Long when the fast EMA crosses above the slow one; flat when it crosses below. */
export const emaCross: StrategyDefinition = {
  name: 'ema-cross',
  description: 'Buy when the fast EMA crosses above the slow EMA, sell when it crosses below',
  params: {
    fast: { type: 'int', default: 12, min: 1, max: 1000, description: 'fast EMA period' },
    slow: { type: 'int', default: 26, min: 2, max: 2000, description: 'slow EMA period' },
  },
  validate: (p) => (Number(p.fast) >= Number(p.slow) ? `fast (${p.fast}) must be below slow (${p.slow})` : undefined),
  create(p, { indicators }) {
    const fast = indicators.ema(Number(p.fast));
    const slow = indicators.ema(Number(p.slow));
    const cross = new Crossover();
    return {
      onCandle(ctx) {
        const c = cross.update(fast.update(ctx.close), slow.update(ctx.close));
        if (!ctx.inPosition) {
          if (c > 0) ctx.buy();
        } else if (c < 0) ctx.sell();
      },
    };
  },
};
