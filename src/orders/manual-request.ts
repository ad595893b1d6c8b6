import { parseDecimal, type Dec as Decimal } from '../core/money.js';
import { OrderRejectedError, UsageError } from '../core/errors.js';
import { checkMaximums, checkMinimums, roundAmount, roundPrice, type MarketInfo } from '../core/market.js';
import type { OrderRequest } from '../core/orders.js';

export interface ManualOrderInput {
  pair: string;
  side: string;
  type: string;
  amount: string;
  price?: string;
  stop?: string;
}

/**
 * An operator's order, checked as the engine checks its own: numbers rejected where they enter,
 * the amount rounded down to the step, prices to the tick (in the order's favour), then the
 * exchange minimums and maximums (amount, notional, price, where the exchange publishes them). `notes` says what was rounded, for the confirmation.
 */
export function manualRequest(
  input: ManualOrderInput,
  m: MarketInfo,
  marketPrice: Decimal,
): { req: Omit<OrderRequest, 'clientOrderId' | 'createdAt'>; notes: string[] } {
  if (input.side !== 'buy' && input.side !== 'sell') throw new UsageError(`--side must be buy or sell, got ${JSON.stringify(input.side)}`);
  if (input.type !== 'market' && input.type !== 'limit') throw new UsageError(`--type must be market or limit, got ${JSON.stringify(input.type)}`);
  const side = input.side;
  if (input.type === 'limit' && input.price === undefined) throw new UsageError('a limit order needs --price');
  if (input.type === 'market' && input.price !== undefined) throw new UsageError('a market order takes no --price (use --type limit)');
  const notes: string[] = [];
  const amountIn = parseDecimal(input.amount, { name: '--amount' });
  const amount = roundAmount(m, amountIn);
  if (!amount.eq(amountIn)) notes.push(`amount ${amountIn.toFixed()} rounded down to ${amount.toFixed()} (step ${m.amountStep!.toFixed()})`);
  const tick = (raw: string | undefined, name: string, dir?: 'buy' | 'sell'): Decimal | undefined => {
    if (raw === undefined) return undefined;
    const p = parseDecimal(raw, { name });
    const r = roundPrice(m, p, dir);
    if (r.lte(0)) throw new UsageError(`${name} ${raw} is below the tick ${m.priceTick!.toFixed()} of ${m.symbol}`);
    if (!r.eq(p)) notes.push(`${name.slice(2)} ${p.toFixed()} rounded to ${r.toFixed()} (tick ${m.priceTick!.toFixed()})`);
    return r;
  };
  const price = tick(input.price, '--price', side);
  const stopPrice = tick(input.stop, '--stop');
  const type = stopPrice ? 'stop' : input.type;
  try {
    checkMinimums(m, amount, price ?? stopPrice ?? marketPrice);
    checkMaximums(m, amount, price ?? stopPrice ?? marketPrice, type);
  } catch (err) {
    // refused here, before anything is sent: bad input (exit 2), naming what was typed
    if (err instanceof OrderRejectedError) {
      const rounded = amount.eq(amountIn) ? '' : ` (rounded down to ${amount.toFixed()})`;
      throw new UsageError(`--amount ${input.amount}${rounded}${price ? ` at --price ${input.price}` : ''}: ${err.message}`);
    }
    throw err;
  }
  return {
    req: {
      symbol: m.symbol,
      side,
      type,
      amount,
      ...(price ? { price } : {}),
      ...(stopPrice ? { stopPrice } : {}),
      purpose: 'manual',
    },
    notes,
  };
}

/** One line describing an order request, for confirmations and results. */
export function describeRequest(r: Pick<OrderRequest, 'side' | 'type' | 'amount' | 'symbol' | 'price' | 'stopPrice'>): string {
  const kind = r.type === 'stop' ? (r.price ? 'stop-limit' : 'stop-market') : r.type;
  return `${r.side} ${r.amount.toFixed()} ${r.symbol} ${kind}${r.price ? ` at ${r.price.toFixed()}` : ''}${r.stopPrice ? `, stop ${r.stopPrice.toFixed()}` : ''}`;
}
