import { Dec } from '../core/money.js';
import { formatStake, type Stake } from '../core/sizing.js';
import type { StrategyContext } from '../strategies/types.js';
import type { Alert } from './alert.js';

/** What an alert asks the engine for. */
export interface EngineOrder {
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  /** limit orders only; a market alert's price ({{close}}) is for the record */
  price?: number;
}

export type OrderMapping = { order: EngineOrder } | { unsupported: string };

/**
 * The one place an alert becomes an order the engine understands. Today's engine buys with the
 * bot's stake and sells whole positions, so an alert's size is honoured only when it is exactly
 * that (a buy of the stake, a sell of 100 percent); any other size is refused where the alert
 * enters, because trading another amount than the alert says would lose money by our fault.
 * With the strategy API v2 (ctx.buy({quote, amount, fraction}), partial sells) the sizes map one
 * to one here (quote -> quote, base -> amount, percent -> fraction) and nothing else changes.
 */
export function engineOrderFor(a: Pick<Alert, 'action' | 'orderType' | 'price' | 'size' | 'sizeType'>, stake: Stake): OrderMapping {
  const side = a.action === 'buy' ? 'buy' : 'sell';
  const order: EngineOrder = { side, type: a.orderType, ...(a.orderType === 'limit' && a.price !== null ? { price: a.price } : {}) };
  if (a.size === null) return { order };
  const size = new Dec(a.size);
  if (side === 'sell') {
    if (a.sizeType === 'percent' && size.eq(100)) return { order };
    return { unsupported: `a partial ${a.action} (size ${a.size} ${a.sizeType}) is not supported yet: this bot sells whole positions; leave size out, or send size 100 with sizeType percent` };
  }
  const matchesStake = (a.sizeType === 'percent' && stake.kind === 'fraction' && size.div(100).eq(stake.value)) || (a.sizeType === 'quote' && stake.kind === 'fixed' && size.eq(stake.value));
  if (matchesStake) return { order };
  return { unsupported: `a buy of size ${a.size} ${a.sizeType} is not supported yet: this bot buys with its stake (${formatStake(stake)}); leave size out of the alert, or set the bot's --stake` };
}

/** Ask for the order through the strategy context, as any strategy does. */
export function placeOrder(ctx: StrategyContext, o: EngineOrder): void {
  const opts = o.type === 'limit' ? { type: 'limit' as const, price: o.price! } : {};
  if (o.side === 'buy') ctx.buy(opts);
  else ctx.sell(opts);
}
