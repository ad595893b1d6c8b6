import { Dec, type Dec as Decimal } from './money.js';
import { OrderRejectedError } from './errors.js';

/**
 * What the exchange says about a market: precision and minimums (from ccxt's market info).
 * Every field is optional: a candle file carries no market info, and then nothing is rounded.
 */
export interface MarketInfo {
  symbol: string;
  base: string;
  quote: string;
  /** quantity step, e.g. 0.00001 */
  amountStep?: Decimal;
  /** price tick, e.g. 0.01 */
  priceTick?: Decimal;
  minAmount?: Decimal;
  minNotional?: Decimal;
  /** the largest order amount (a market order may have its own, smaller, maxMarketAmount) */
  maxAmount?: Decimal;
  maxMarketAmount?: Decimal;
  maxNotional?: Decimal;
  maxPrice?: Decimal;
}

export function splitSymbol(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) return { base: symbol, quote: 'QUOTE' };
  return { base, quote: quote.split(':')[0]! };
}

export function marketFor(symbol: string, extra: Partial<MarketInfo> = {}): MarketInfo {
  return { symbol, ...splitSymbol(symbol), ...extra };
}

/** Quantities are rounded DOWN to the step (exactly): never spend or sell more than decided. */
export function roundAmount(m: MarketInfo, qty: Decimal): Decimal {
  if (!m.amountStep || m.amountStep.isZero()) return qty;
  return qty.toStep(m.amountStep, Dec.ROUND_FLOOR);
}

/** Prices are rounded to the nearest tick; `side` picks the conservative direction for limits. */
export function roundPrice(m: MarketInfo, price: Decimal, side?: 'buy' | 'sell'): Decimal {
  if (!m.priceTick || m.priceTick.isZero()) return price;
  return price.toStep(m.priceTick, side === 'buy' ? Dec.ROUND_FLOOR : side === 'sell' ? Dec.ROUND_CEIL : Dec.ROUND_HALF_UP);
}

/** Throws OrderRejectedError when an order is below the exchange's minimums. */
export function checkMinimums(m: MarketInfo, qty: Decimal, price: Decimal): void {
  if (qty.lte(0)) throw new OrderRejectedError('below-min-amount', `amount ${qty.toFixed()} ${m.base} is not positive for ${m.symbol}`);
  if (m.minAmount && qty.lt(m.minAmount)) {
    throw new OrderRejectedError('below-min-amount', `amount ${qty.toFixed()} ${m.base} is below the exchange minimum ${m.minAmount.toFixed()} for ${m.symbol}`);
  }
  if (!m.minNotional) return;
  const notional = qty.mul(price);
  if (notional.lt(m.minNotional)) {
    throw new OrderRejectedError('below-min-notional', `notional ${notional.toFixed()} ${m.quote} is below the exchange minimum ${m.minNotional.toFixed()} for ${m.symbol}`);
  }
}

/** Throws OrderRejectedError when an order is above the exchange's maximum amount, notional or price. */
export function checkMaximums(m: MarketInfo, qty: Decimal, price: Decimal, type: 'market' | 'limit' | 'stop'): void {
  const maxAmount = type === 'market' && m.maxMarketAmount && (!m.maxAmount || m.maxMarketAmount.lt(m.maxAmount)) ? m.maxMarketAmount : m.maxAmount;
  if (maxAmount && qty.gt(maxAmount)) {
    throw new OrderRejectedError('above-max-amount', `amount ${qty.toFixed()} ${m.base} is above the exchange maximum ${maxAmount.toFixed()} for ${type} orders on ${m.symbol}`);
  }
  if (m.maxPrice && type !== 'market' && price.gt(m.maxPrice)) {
    throw new OrderRejectedError('above-max-price', `price ${price.toFixed()} ${m.quote} is above the exchange maximum ${m.maxPrice.toFixed()} for ${m.symbol}`);
  }
  if (m.maxNotional && qty.mul(price).gt(m.maxNotional)) {
    throw new OrderRejectedError('above-max-notional', `notional ${qty.mul(price).toFixed()} ${m.quote} is above the exchange maximum ${m.maxNotional.toFixed()} for ${m.symbol}`);
  }
}

/** An amount off the step or a price off the tick is refused, as exchanges refuse it (LOT_SIZE, PRICE_FILTER). */
export function checkPrecision(m: MarketInfo, req: { amount: Decimal; price?: Decimal | undefined; stopPrice?: Decimal | undefined }): void {
  if (!req.amount.isFinite() || req.amount.lte(0)) throw new OrderRejectedError('invalid-order', `amount ${req.amount.toFixed()} must be positive`);
  if (m.amountStep && !req.amount.mod(m.amountStep).isZero()) {
    throw new OrderRejectedError('invalid-order', `amount ${req.amount.toFixed()} is not a multiple of the step ${m.amountStep.toFixed()} for ${m.symbol}`);
  }
  for (const p of [req.price, req.stopPrice]) {
    if (p === undefined) continue;
    if (!p.isFinite() || p.lte(0)) throw new OrderRejectedError('invalid-order', `price ${p.toFixed()} must be positive`);
    if (m.priceTick && !p.mod(m.priceTick).isZero()) {
      throw new OrderRejectedError('invalid-order', `price ${p.toFixed()} is not a multiple of the tick ${m.priceTick.toFixed()} for ${m.symbol}`);
    }
  }
}
