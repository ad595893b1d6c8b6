import type { Exchange, Market as CcxtMarket } from 'ccxt';
import { Dec, type Dec as Decimal } from '../core/money.js';
import type { MarketInfo } from '../core/market.js';

// ccxt's precisionMode values
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** Precision and minimums of a ccxt market, as tradebot applies them (types only: ccxt is not loaded here). */
export function marketInfoFromCcxt(ex: Exchange, m: NonNullable<CcxtMarket>): MarketInfo {
  const step = (p: number | undefined): Decimal | undefined => {
    if (p === undefined || p === null) return undefined;
    if (ex.precisionMode === TICK_SIZE) return new Dec(String(p));
    if (ex.precisionMode === DECIMAL_PLACES) return new Dec(10).pow(-p);
    return undefined;
  };
  const num = (x: number | undefined): Decimal | undefined => (x === undefined || x === null ? undefined : new Dec(String(x)));
  const info: MarketInfo = { symbol: m.symbol, base: m.base, quote: m.quote };
  const amountStep = step(m.precision?.amount);
  const priceTick = step(m.precision?.price);
  const minAmount = num(m.limits?.amount?.min);
  const minNotional = num(m.limits?.cost?.min);
  if (amountStep) info.amountStep = amountStep;
  if (priceTick) info.priceTick = priceTick;
  if (minAmount) info.minAmount = minAmount;
  if (minNotional) info.minNotional = minNotional;
  // maxima: what the exchange publishes (Binance: LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL, PRICE_FILTER); 0 means none
  const max = (x: number | undefined): Decimal | undefined => {
    const d = num(x);
    return d && d.gt(0) ? d : undefined;
  };
  const maxAmount = max(m.limits?.amount?.max);
  const maxMarketAmount = max((m.limits as { market?: { max?: number } } | undefined)?.market?.max);
  const maxNotional = max(m.limits?.cost?.max);
  const maxPrice = max(m.limits?.price?.max);
  if (maxAmount) info.maxAmount = maxAmount;
  if (maxMarketAmount) info.maxMarketAmount = maxMarketAmount;
  if (maxNotional) info.maxNotional = maxNotional;
  if (maxPrice) info.maxPrice = maxPrice;
  return info;
}

/** Market info as stored beside the candle cache (decimal strings). */
export interface StoredMarketInfo {
  symbol: string;
  amountStep?: string;
  priceTick?: string;
  minAmount?: string;
  minNotional?: string;
}

export function storeMarketInfo(m: MarketInfo): StoredMarketInfo {
  const out: StoredMarketInfo = { symbol: m.symbol };
  if (m.amountStep) out.amountStep = m.amountStep.toFixed();
  if (m.priceTick) out.priceTick = m.priceTick.toFixed();
  if (m.minAmount) out.minAmount = m.minAmount.toFixed();
  if (m.minNotional) out.minNotional = m.minNotional.toFixed();
  return out;
}
