import type { StrategyDefinition } from './types.js';

/** Mean reversion: buy when RSI falls below `lower`, sell when it rises above `upper`. */
export const rsiReversion: StrategyDefinition = {
  name: 'rsi',
  description: 'RSI mean reversion: buy below the lower level, sell above the upper level',
  params: {
    period: { type: 'int', default: 14, min: 2, max: 500, description: 'RSI period (Wilder)' },
    lower: { type: 'number', default: 30, min: 0, max: 100, description: 'buy when RSI is below this' },
    upper: { type: 'number', default: 70, min: 0, max: 100, description: 'sell when RSI is above this' },
  },
  validate: (p) => (Number(p.lower) >= Number(p.upper) ? `lower (${p.lower}) must be below upper (${p.upper})` : undefined),
  create(p, { indicators }) {
    const rsi = indicators.rsi(Number(p.period));
    const lower = Number(p.lower);
    const upper = Number(p.upper);
    return {
      onCandle(ctx) {
        const r = rsi.update(ctx.close);
        if (r !== r) return;
        if (!ctx.inPosition) {
          if (r < lower && ctx.openOrders === 0) ctx.buy();
        } else if (r > upper) ctx.sell();
      },
    };
  },
};
