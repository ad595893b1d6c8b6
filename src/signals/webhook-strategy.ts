import type { StrategyDefinition } from '../strategies/types.js';
import { placeOrder } from './alert-order.js';

/**
 * Trades alerts (TradingView webhooks, or a recorded alerts file in a backtest): on each closed
 * candle, the alerts that took effect before it closed are acted on, the last one winning.
 * The alerts come from the runner (src/signals/open-signals.ts): a listener in paper and live,
 * `--signals-file` in a backtest.
 */
export const webhookStrategy: StrategyDefinition = {
  name: 'webhook',
  description: 'Trade TradingView alerts (or any sender of the alert JSON): paper/live listen with --listen, backtest replays --signals-file',
  params: {},
  create(_params, tools) {
    const book = tools.signals?.alerts;
    if (!book) throw new Error('the webhook strategy needs alerts: --listen HOST:PORT (paper, live) or --signals-file FILE (backtest)');
    return {
      onCandle(ctx) {
        const alert = book.take(ctx.symbol, ctx.time);
        if (alert) placeOrder(ctx, alert.order);
      },
    };
  },
};
