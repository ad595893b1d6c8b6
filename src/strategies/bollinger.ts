import type { StrategyDefinition } from './types.js';

/** Breakout: buy when the close breaks above the upper band, sell when it falls back below the middle. */
export const bollingerBreakout: StrategyDefinition = {
  name: 'bollinger',
  description: 'Bollinger breakout: buy on a close above the upper band, sell on a close below the middle band',
  params: {
    period: { type: 'int', default: 20, min: 2, max: 1000, description: 'moving average period' },
    k: { type: 'number', default: 2, min: 0.1, max: 10, description: 'band width in standard deviations' },
  },
  create(p, { indicators }) {
    const bb = indicators.bollinger(Number(p.period), Number(p.k));
    return {
      onCandle(ctx) {
        bb.update(ctx.close);
        if (!bb.ready) return;
        if (!ctx.inPosition) {
          if (ctx.close > bb.upper && ctx.openOrders === 0) ctx.buy();
        } else if (ctx.close < bb.middle) ctx.sell();
      },
    };
  },
};
