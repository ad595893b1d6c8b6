import type { BotEvent } from '../bot/bot-events.js';
import type { NotifyEventsConfig } from '../config/schema.js';
import { exitReasonOf } from '../report/result.js';
import { money, pct, price, signed } from '../report/history-text.js';

/** A message about one event: short text for a phone, and the values a webhook template uses. */
export interface Notice {
  /** which notify.events key decides whether it is sent, and how */
  key: keyof NotifyEventsConfig;
  event: string;
  text: string;
  values: Record<string, string>;
}

export interface BotLabel {
  bot: string;
  mode: string;
  quote: string;
}

/**
 * The events worth a message, as text. Everything else (signals, intents, denials, sends,
 * cancels) stays in the log. An exit is told once, with its PnL (trade-closed), not as a fill.
 */
export function noticeOf(e: BotEvent, l: BotLabel): Notice | null {
  const v = (extra: Record<string, string | undefined>): Record<string, string> => {
    const out: Record<string, string> = { bot: l.bot, mode: l.mode, event: e.kind, time: new Date(e.time).toISOString() };
    for (const [k, x] of Object.entries(extra)) if (x !== undefined) out[k] = x;
    return out;
  };
  const n = (key: Notice['key'], text: string, extra: Record<string, string | undefined> = {}): Notice => {
    const message = text;
    return { key, event: e.kind, text: `${l.bot}: ${text}`, values: { ...v(extra), message } };
  };
  switch (e.kind) {
    case 'started':
      return n('started', `${e.resumed ? 'resumed' : 'started'} (${e.mode}, ${e.strategy} on ${e.pairs.join(', ')} ${e.timeframe})`);
    case 'stopped':
      return n('stopped', 'stopped');
    case 'stop-cancel':
      return n('stopped', `stopping: cancelled ${e.cancelled} order(s)`);
    case 'panic':
      return n('stopped', `PANIC: cancelled ${e.cancelled} order(s), sold ${e.closed} position(s) at market; stopping`);
    case 'crashed':
      return n('crashed', `CRASHED: ${e.message}`, { message: e.message });
    case 'halt':
      return n('halt', `entries HALTED (${e.code}): ${e.message}`);
    case 'halt-lifted':
      return n('halt', 'entries allowed again (halt lifted)');
    case 'fill':
      if (e.side !== 'buy') return null; // told with its PnL when the trade closes
      return n('fill', `BUY ${price(e.qty)} ${e.symbol} at ${price(e.price)} (fee ${money(e.fee, 4)} ${e.feeCurrency})`, { pair: e.symbol, side: 'buy', price: e.price, qty: e.qty });
    case 'trade-closed': {
      const reason = exitReasonOf(e.purpose) ?? 'signal';
      return n('fill', `SELL ${price(e.qty)} ${e.symbol} at ${price(e.exitPrice)} (${reason}): PnL ${signed(e.pnl)} ${l.quote} (${pct(e.pnlPct)})`, {
        pair: e.symbol,
        side: 'sell',
        price: e.exitPrice,
        qty: e.qty,
        pnl: e.pnl,
      });
    }
    case 'order-rejected':
      return n('rejected', `order ${e.clientOrderId} (${e.side} ${e.symbol}) rejected: ${e.message}`, { pair: e.symbol, side: e.side });
    case 'order-unknown':
      return n('unknown', `order ${e.clientOrderId} (${e.side} ${e.symbol}): outcome unknown (${e.message}); querying the exchange, never re-sending`, { pair: e.symbol, side: e.side });
    case 'order-resolved':
      return n('unknown', `order ${e.clientOrderId} (${e.symbol}) resolved: ${e.status}`, { pair: e.symbol });
    case 'exchange-degraded':
      return n('degraded', `exchange DEGRADED: ${e.message}`);
    case 'exchange-recovered':
      return n('degraded', 'exchange recovered: orders go through again');
    case 'feed-degraded':
      return n('degraded', `exchange DEGRADED: candles not arriving (${e.message})`);
    case 'feed-recovered':
      return n('degraded', 'exchange recovered: candles arriving again');
    case 'reconciled':
      return n('reconcile', `reconciled with the exchange: ${e.corrections} correction(s) applied${e.drift > 0 ? `, ${e.drift} difference(s) left for the operator (tradebot reconcile ${l.bot} --plan)` : ''}`);
    case 'control':
      return n('control', `${e.command}${e.pair ? ` ${e.pair}` : ''} requested by ${e.by}`);
    case 'control-done':
      return n('control', `${e.command}: ${e.detail}`);
    default:
      return null;
  }
}
