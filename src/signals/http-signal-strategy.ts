import type { StrategyDefinition, StrategyInstance } from '../strategies/types.js';
import { resolveParams } from '../strategies/params.js';
import { placeOrder } from './alert-order.js';
import { CapturingContext } from './capturing-context.js';

/**
 * Trades the answers of an outside signal service (`signals.url`): long enters when its
 * confidence is at least `signals.minConfidence`; flat (and short: this is spot) exits.
 * The runner asks the service when a candle closes and posts the verdict before the engine
 * processes the candle (src/signals/signal-feed.ts). While the service is down and its last
 * answer older than `signals.cacheTtl`, the fallback strategy decides; it sees every candle, so
 * its indicators are warm when it takes over.
 */
export const httpSignalStrategy: StrategyDefinition = {
  name: 'http-signal',
  description: 'Trade the long/flat answers of an outside signal service (--signal-url), with a fallback strategy while it is down',
  params: {},
  create(_params, tools) {
    const s = tools.signals;
    const board = s?.verdicts;
    if (!s || !board) throw new Error('the http-signal strategy needs a signal service: --signal-url URL');
    const minConfidence = s.minConfidence ?? 0.5;
    let fallback: StrategyInstance | null = null;
    if (s.fallback) fallback = s.fallback.create(resolveParams(s.fallback, {}), tools);
    const pane = new CapturingContext();
    return {
      onCandle(ctx) {
        if (fallback) {
          pane.reset(ctx);
          fallback.onCandle(pane);
        }
        const v = board.take(ctx.symbol, ctx.time);
        if (!v) return; // a candle nobody asked about: warm-up, or already handled before a restart
        let asked: 'buy' | 'sell' | null = null;
        if (v.source === 'fallback') {
          for (const o of pane.asked) placeOrder(ctx, o);
          asked = pane.asked.at(-1)?.side ?? null;
        } else if (v.signal === 'long') {
          if (!ctx.inPosition && v.confidence! >= minConfidence) {
            ctx.buy();
            asked = 'buy';
          }
        } else if (v.signal !== null && ctx.inPosition) {
          ctx.sell();
          asked = 'sell';
        }
        board.noteApplied({ pair: ctx.symbol, bar: ctx.time, verdict: v, asked });
      },
    };
  },
};
