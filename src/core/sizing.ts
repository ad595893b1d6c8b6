import { Dec, parseDecimal, type Dec as Decimal } from './money.js';
import { UsageError } from './errors.js';

/** `99%` of the free quote balance, or a fixed quote amount such as `500`. */
export type Stake = { kind: 'fraction'; value: Decimal } | { kind: 'fixed'; value: Decimal };

export function parseStake(input: unknown, name = 'stake'): Stake {
  const raw = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  if (raw.endsWith('%')) {
    const pct = parseDecimal(raw.slice(0, -1), { name });
    if (pct.gt(100)) throw new UsageError(`${name} ${raw} is above 100%`);
    return { kind: 'fraction', value: pct.div(100) };
  }
  return { kind: 'fixed', value: parseDecimal(raw === '' ? input : raw, { name }) };
}

export function formatStake(s: Stake): string {
  return s.kind === 'fraction' ? `${s.value.mul(100).toFixed()}%` : s.value.toFixed();
}

export interface SizingInput {
  stake: Stake;
  /** free quote balance (not locked by open orders) */
  freeQuote: Decimal;
  /** account equity in quote, for risk-per-trade sizing */
  equity: Decimal;
  /** the signal bar's close: quantity is decided at signal time */
  price: Decimal;
  feeRate: Decimal;
  /** fraction of equity to lose if the stop is hit */
  riskPerTrade?: number;
  /** stop distance as a fraction of the entry price */
  stopLoss?: number;
}

/**
 * Base quantity for an entry. A fraction stake spends that fraction of the free balance, capped
 * so that the fee still fits; a fixed stake spends that amount. With risk-per-trade, the
 * quantity that loses `riskPerTrade` of equity at the stop is used when it is smaller.
 */
export function entryQuantity(s: SizingInput): Decimal {
  if (s.price.lte(0)) return new Dec(0);
  let spend = s.stake.kind === 'fraction' ? s.freeQuote.mul(s.stake.value) : s.stake.value;
  const onePlusFee = s.feeRate.plus(1);
  if (spend.mul(onePlusFee).gt(s.freeQuote)) spend = s.freeQuote.div(onePlusFee);
  let qty = spend.div(s.price);
  if (s.riskPerTrade !== undefined && s.stopLoss !== undefined && s.stopLoss > 0) {
    const riskQty = s.equity.mul(new Dec(s.riskPerTrade)).div(s.price.mul(new Dec(s.stopLoss)));
    qty = Dec.min(qty, riskQty);
  }
  return qty.gt(0) ? qty : new Dec(0);
}
