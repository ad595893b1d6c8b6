import { Dec, parseDecimal, type Dec as Decimal } from './money.js';
import { UsageError } from './errors.js';

/**
 * `99%` of the free quote balance, a fixed quote amount such as `500`, `kelly:0.5` (that multiple
 * of the Kelly fraction of the run's own closed trades, of equity) or `atr:0.01` (lose that
 * fraction of equity if the price moves one ATR(14) against the entry).
 */
export type Stake =
  | { kind: 'fraction'; value: Decimal }
  | { kind: 'fixed'; value: Decimal }
  | { kind: 'kelly'; value: Decimal }
  | { kind: 'atr'; value: Decimal };

/** A fixed size: a fraction of the free quote balance or a quote amount (a cap such as --max-stake). */
export type FixedStake = Extract<Stake, { kind: 'fraction' | 'fixed' }>;

export function parseStake(input: unknown, name = 'stake'): Stake {
  const raw = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  const dyn = /^(kelly|atr):(.*)$/i.exec(raw);
  if (dyn) {
    const kind = dyn[1]!.toLowerCase() as 'kelly' | 'atr';
    const value = parseDecimal(dyn[2]!.trim(), { name: `${name} ${kind}` });
    if (kind === 'kelly' && value.gt(1)) throw new UsageError(`${name} ${raw}: the Kelly multiple must be above 0 and at most 1 (0.5 = half-Kelly)`);
    if (kind === 'atr' && value.gte(1)) throw new UsageError(`${name} ${raw}: the risk must be a fraction of equity below 1 (0.01 = 1%)`);
    return { kind, value };
  }
  if (raw.endsWith('%')) {
    const pct = parseDecimal(raw.slice(0, -1), { name });
    if (pct.gt(100)) throw new UsageError(`${name} ${raw} is above 100%`);
    return { kind: 'fraction', value: pct.div(100) };
  }
  return { kind: 'fixed', value: parseDecimal(raw === '' ? input : raw, { name }) };
}

/** A cap on what one entry spends: `25%` of the free quote balance or a quote amount. */
export function parseFixedStake(input: unknown, name: string): FixedStake {
  const s = parseStake(input, name);
  if (s.kind === 'kelly' || s.kind === 'atr') throw new UsageError(`${name} must be a percentage or a quote amount, not ${s.kind}:`);
  return s;
}

export function formatStake(s: Stake): string {
  if (s.kind === 'kelly' || s.kind === 'atr') return `${s.kind}:${s.value.toFixed()}`;
  return s.kind === 'fraction' ? `${s.value.mul(100).toFixed()}%` : s.value.toFixed();
}

/** The quote a fixed stake spends out of `freeQuote`. */
export function stakeSpend(s: FixedStake, freeQuote: Decimal): Decimal {
  return s.kind === 'fraction' ? freeQuote.mul(s.value) : s.value;
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
  /** the quote to spend, decided by the caller (kelly, atr, a strategy's quote or fraction, a DCA add); replaces the stake */
  spend?: Decimal;
  /** no entry spends more than this */
  maxSpend?: Decimal;
}

/**
 * Base quantity for an entry. A fraction stake spends that fraction of the free balance, capped
 * so that the fee still fits; a fixed stake spends that amount. With risk-per-trade, the
 * quantity that loses `riskPerTrade` of equity at the stop is used when it is smaller.
 */
export function entryQuantity(s: SizingInput): Decimal {
  if (s.price.lte(0)) return new Dec(0);
  let spend = s.spend ?? (s.stake.kind === 'fraction' ? s.freeQuote.mul(s.stake.value) : s.stake.kind === 'fixed' ? s.stake.value : new Dec(0));
  if (s.maxSpend !== undefined && spend.gt(s.maxSpend)) spend = s.maxSpend;
  const onePlusFee = s.feeRate.plus(1);
  if (spend.mul(onePlusFee).gt(s.freeQuote)) spend = s.freeQuote.div(onePlusFee);
  let qty = spend.div(s.price);
  if (s.riskPerTrade !== undefined && s.stopLoss !== undefined && s.stopLoss > 0) {
    const riskQty = s.equity.mul(new Dec(s.riskPerTrade)).div(s.price.mul(new Dec(s.stopLoss)));
    qty = Dec.min(qty, riskQty);
  }
  return qty.gt(0) ? qty : new Dec(0);
}
