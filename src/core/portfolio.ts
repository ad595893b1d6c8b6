import { Dec, ZERO, type Dec as Decimal } from './money.js';
import type { Fill } from './orders.js';
import type { MarketInfo } from './market.js';

/**
 * One entry or exit of a round trip: the fills of one order, merged. `reason` says why it was
 * sent (signal, dca, reentry, stop-loss, take-profit, trailing-stop, roi, ladder-N, manual, panic).
 */
export interface Leg {
  /** time of the order's first fill */
  time: number;
  /** average fill price (the fill price itself for one fill) */
  price: Decimal;
  qty: Decimal;
  /** quote value of the fills */
  cost: Decimal;
  /** in quote (a fee charged in base is valued at the fill price) */
  fee: Decimal;
  reason: string;
  orderId: string;
}

type SerializedLeg = { [K in keyof Leg]: Leg[K] extends Decimal ? string : Leg[K] };

/** A position from its first entry fill until it is flat again: one round trip. */
export interface RoundTrip {
  symbol: string;
  entryTime: number;
  exitTime: number | null;
  /** base bought, net of fees charged in base */
  entryQty: Decimal;
  /** quote spent on entries, before fees */
  entryCost: Decimal;
  exitQty: Decimal;
  /** quote received on exits, before fees */
  exitProceeds: Decimal;
  /** all fees of the round trip, in quote (base fees valued at the fill price) */
  fees: Decimal;
  /** base still held */
  qty: Decimal;
  /** average entry / exit prices: the fill price itself for a single fill, never re-derived from rounded products */
  entryPrice: Decimal;
  exitPrice: Decimal | null;
  /** the reason of its last exit (older state files: the purpose of the last exit order) */
  exitReason: string | null;
  /** its entries and exits in order (absent in state files of older versions: empty) */
  entries: Leg[];
  exits: Leg[];
}

export interface PortfolioSnapshot {
  quote: string;
  balances: Record<string, string>;
  open: Record<string, SerializedRoundTrip>;
  closed: SerializedRoundTrip[];
  feesPaid: string;
  appliedTradeIds: number;
  /** net amounts moved into (+) or out of (−) the ledger outside its fills, per currency (absent: none) */
  transfers?: Record<string, string>;
}

type SerializedRoundTrip = {
  [K in keyof RoundTrip]: RoundTrip[K] extends Decimal ? string : RoundTrip[K] extends Decimal | null ? string | null : RoundTrip[K] extends Leg[] ? SerializedLeg[] : RoundTrip[K];
};

/** Book a fill on a trade's list of legs: a further fill of the same order joins its leg. */
function addLeg(legs: Leg[], fill: Fill, feeInQuote: Decimal, qty: Decimal, reason: string): void {
  const last = legs.length > 0 ? legs[legs.length - 1]! : undefined;
  if (last !== undefined && last.orderId === fill.clientOrderId) {
    last.qty = last.qty.plus(qty);
    last.cost = last.cost.plus(fill.cost);
    last.fee = last.fee.plus(feeInQuote);
    last.price = last.cost.div(last.qty);
    return;
  }
  legs.push({ time: fill.time, price: fill.price, qty, cost: fill.cost, fee: feeInQuote, reason, orderId: fill.clientOrderId });
}

/**
 * The bot's ledger: balances, open round trips and closed ones, all Decimal.
 * Fills are the main input; the other is a transfer (an operator accepting that money left or
 * reached the ledger outside its fills). Balances always equal the starting balances plus the
 * sum of fills plus the transfers.
 */
export class Portfolio {
  readonly balances = new Map<string, Decimal>();
  readonly open = new Map<string, RoundTrip>();
  readonly closed: RoundTrip[] = [];
  feesPaid: Decimal = ZERO;
  readonly transfers = new Map<string, Decimal>();

  constructor(
    readonly quote: string,
    initial: Record<string, Decimal>,
    /**
     * live: the remainder of a closed position too small to trade (left by a fee charged in the
     * base currency, or by a partial fill) leaves the ledger as a transfer: the bot cannot sell it,
     * so it is not its money; the account shows it as external
     */
    readonly dustLeavesLedger = false,
  ) {
    for (const [k, v] of Object.entries(initial)) this.balances.set(k, v);
    if (!this.balances.has(quote)) this.balances.set(quote, ZERO);
  }

  balance(currency: string): Decimal {
    return this.balances.get(currency) ?? ZERO;
  }

  position(symbol: string): Decimal {
    return this.open.get(symbol)?.qty ?? ZERO;
  }

  /** `reason`: why the order was sent, kept on the trade's leg (see legReason). */
  applyFill(fill: Fill, market: MarketInfo, reason: string): void {
    if (fill.feeCurrency === market.quote) return this.applyQuoteFeeFill(fill, market, reason);
    const { base, quote } = market;
    const notional = fill.cost;
    const feeInQuote = fill.feeCurrency === quote ? fill.fee : fill.feeCurrency === base ? fill.fee.mul(fill.price) : ZERO;
    const feeInBase = fill.feeCurrency === base ? fill.fee : ZERO;
    this.feesPaid = this.feesPaid.plus(feeInQuote);

    if (fill.side === 'buy') {
      this.add(quote, notional.neg());
      this.add(base, fill.qty.minus(feeInBase));
      if (fill.feeCurrency === quote) this.add(quote, fill.fee.neg());
      else if (fill.feeCurrency !== base) this.add(fill.feeCurrency, fill.fee.neg());
      let rt = this.open.get(fill.symbol);
      if (!rt) {
        rt = {
          symbol: fill.symbol,
          entryTime: fill.time,
          exitTime: null,
          entryQty: ZERO,
          entryCost: ZERO,
          exitQty: ZERO,
          exitProceeds: ZERO,
          fees: ZERO,
          qty: ZERO,
          entryPrice: fill.price,
          exitPrice: null,
          exitReason: null,
          entries: [],
          exits: [],
        };
        this.open.set(fill.symbol, rt);
      }
      addLeg(rt.entries, fill, feeInQuote, fill.qty.minus(feeInBase), reason);
      const first = rt.entryQty.isZero();
      rt.entryQty = rt.entryQty.plus(fill.qty.minus(feeInBase));
      rt.entryCost = rt.entryCost.plus(notional);
      // several entry fills: the effective average (base fees make the held quantity smaller)
      if (!first) rt.entryPrice = rt.entryCost.div(rt.entryQty);
      rt.fees = rt.fees.plus(feeInQuote);
      rt.qty = rt.qty.plus(fill.qty.minus(feeInBase));
      return;
    }

    this.add(base, fill.qty.neg().minus(feeInBase));
    this.add(quote, notional);
    if (fill.feeCurrency === quote) this.add(quote, fill.fee.neg());
    else if (fill.feeCurrency !== base) this.add(fill.feeCurrency, fill.fee.neg());
    const rt = this.open.get(fill.symbol);
    if (!rt) return; // selling base the bot did not buy (e.g. a starting balance): no round trip to close
    rt.exitPrice = rt.exitPrice === null ? fill.price : rt.exitProceeds.plus(notional).div(rt.exitQty.plus(fill.qty));
    rt.exitQty = rt.exitQty.plus(fill.qty);
    rt.exitProceeds = rt.exitProceeds.plus(notional);
    rt.fees = rt.fees.plus(feeInQuote);
    rt.qty = rt.qty.minus(fill.qty).minus(feeInBase);
    rt.exitTime = fill.time;
    rt.exitReason = reason;
    addLeg(rt.exits, fill, feeInQuote, fill.qty, reason);
    if (isDust(rt.qty, market)) this.close(rt, market);
  }

  private close(rt: RoundTrip, market: MarketInfo): void {
    this.open.delete(rt.symbol);
    this.closed.push(rt);
    if (this.dustLeavesLedger && rt.qty.gt(0)) this.transfer(market.base, rt.qty.neg());
  }

  /** The common case, fees in quote, with as few Decimal operations as possible (it runs per fill). */
  private applyQuoteFeeFill(fill: Fill, market: MarketInfo, reason: string): void {
    const { base, quote } = market;
    this.feesPaid = this.feesPaid.plus(fill.fee);
    let rt = this.open.get(fill.symbol);
    if (fill.side === 'buy') {
      this.balances.set(quote, this.balance(quote).minus(fill.cost.plus(fill.fee)));
      this.balances.set(base, this.balance(base).plus(fill.qty));
      if (!rt) {
        rt = {
          symbol: fill.symbol,
          entryTime: fill.time,
          exitTime: null,
          entryQty: fill.qty,
          entryCost: fill.cost,
          exitQty: ZERO,
          exitProceeds: ZERO,
          fees: fill.fee,
          qty: fill.qty,
          entryPrice: fill.price,
          exitPrice: null,
          exitReason: null,
          entries: [{ time: fill.time, price: fill.price, qty: fill.qty, cost: fill.cost, fee: fill.fee, reason, orderId: fill.clientOrderId }],
          exits: [],
        };
        this.open.set(fill.symbol, rt);
        return;
      }
      addLeg(rt.entries, fill, fill.fee, fill.qty, reason);
      rt.entryQty = rt.entryQty.plus(fill.qty);
      rt.entryCost = rt.entryCost.plus(fill.cost);
      rt.entryPrice = rt.entryCost.div(rt.entryQty);
      rt.fees = rt.fees.plus(fill.fee);
      rt.qty = rt.qty.plus(fill.qty);
      return;
    }
    this.balances.set(base, this.balance(base).minus(fill.qty));
    this.balances.set(quote, this.balance(quote).plus(fill.cost.minus(fill.fee)));
    if (!rt) return;
    rt.exitQty = rt.exitQty.plus(fill.qty);
    rt.exitProceeds = rt.exitProceeds.plus(fill.cost);
    rt.exitPrice = rt.exitPrice === null ? fill.price : rt.exitProceeds.div(rt.exitQty);
    rt.fees = rt.fees.plus(fill.fee);
    rt.qty = rt.qty.minus(fill.qty);
    rt.exitTime = fill.time;
    rt.exitReason = reason;
    addLeg(rt.exits, fill, fill.fee, fill.qty, reason);
    if (isDust(rt.qty, market)) this.close(rt, market);
  }

  private add(currency: string, delta: Decimal): void {
    this.balances.set(currency, this.balance(currency).plus(delta));
  }

  /** Money that entered (+) or left (−) the ledger other than by a fill; kept apart so the books still add up. */
  transfer(currency: string, delta: Decimal): void {
    this.add(currency, delta);
    this.transfers.set(currency, (this.transfers.get(currency) ?? ZERO).plus(delta));
  }

  /** Equity in quote: the quote balance plus every market's base balance marked at `prices[symbol]`. */
  equity(prices: Record<string, number>, markets: readonly MarketInfo[]): Decimal {
    let e = this.balance(this.quote);
    for (const m of markets) {
      const p = prices[m.symbol];
      const b = this.balance(m.base);
      if (p === undefined || !Number.isFinite(p) || b.isZero()) continue;
      e = e.plus(b.mul(new Dec(p)));
    }
    return e;
  }

  snapshot(): PortfolioSnapshot {
    const ser = (rt: RoundTrip): SerializedRoundTrip => ({
      ...rt,
      entryQty: rt.entryQty.toFixed(),
      entryCost: rt.entryCost.toFixed(),
      exitQty: rt.exitQty.toFixed(),
      exitProceeds: rt.exitProceeds.toFixed(),
      fees: rt.fees.toFixed(),
      qty: rt.qty.toFixed(),
      entryPrice: rt.entryPrice.toFixed(),
      exitPrice: rt.exitPrice === null ? null : rt.exitPrice.toFixed(),
      entries: rt.entries.map(serLeg),
      exits: rt.exits.map(serLeg),
    });
    return {
      quote: this.quote,
      balances: Object.fromEntries([...this.balances].map(([k, v]) => [k, v.toFixed()])),
      open: Object.fromEntries([...this.open].map(([k, v]) => [k, ser(v)])),
      closed: this.closed.map(ser),
      feesPaid: this.feesPaid.toFixed(),
      appliedTradeIds: 0,
      ...(this.transfers.size > 0 ? { transfers: Object.fromEntries([...this.transfers].map(([k, v]) => [k, v.toFixed()])) } : {}),
    };
  }

  static restore(s: PortfolioSnapshot, dustLeavesLedger = false): Portfolio {
    const p = new Portfolio(
      s.quote,
      Object.fromEntries(Object.entries(s.balances).map(([k, v]) => [k, new Dec(v)])),
      dustLeavesLedger,
    );
    const de = (r: SerializedRoundTrip): RoundTrip => ({
      ...r,
      entryQty: new Dec(r.entryQty),
      entryCost: new Dec(r.entryCost),
      exitQty: new Dec(r.exitQty),
      exitProceeds: new Dec(r.exitProceeds),
      fees: new Dec(r.fees),
      qty: new Dec(r.qty),
      entryPrice: new Dec(r.entryPrice),
      exitPrice: r.exitPrice === null ? null : new Dec(r.exitPrice),
      entries: (r.entries ?? []).map(deLeg),
      exits: (r.exits ?? []).map(deLeg),
    });
    for (const [k, v] of Object.entries(s.open)) p.open.set(k, de(v));
    for (const r of s.closed) p.closed.push(de(r));
    p.feesPaid = new Dec(s.feesPaid);
    for (const [k, v] of Object.entries(s.transfers ?? {})) p.transfers.set(k, new Dec(v));
    return p;
  }
}

function serLeg(l: Leg): SerializedLeg {
  return { time: l.time, price: l.price.toFixed(), qty: l.qty.toFixed(), cost: l.cost.toFixed(), fee: l.fee.toFixed(), reason: l.reason, orderId: l.orderId };
}

function deLeg(l: SerializedLeg): Leg {
  return { time: l.time, price: new Dec(l.price), qty: new Dec(l.qty), cost: new Dec(l.cost), fee: new Dec(l.fee), reason: l.reason, orderId: l.orderId };
}

/** A remainder too small to trade counts as flat; it stays in the balance and is reported as dust. */
export function isDust(qty: Decimal, market: MarketInfo): boolean {
  if (qty.lte(0)) return true;
  if (market.minAmount && qty.lt(market.minAmount)) return true;
  if (market.amountStep && qty.lt(market.amountStep)) return true;
  return false;
}

/** PnL of a round trip in quote, net of fees; an open remainder is marked at `markPrice`. */
export function roundTripPnl(rt: RoundTrip, markPrice?: Decimal): Decimal {
  const marked = rt.qty.gt(0) && markPrice ? rt.qty.mul(markPrice) : ZERO;
  return rt.exitProceeds.plus(marked).minus(rt.entryCost).minus(rt.fees);
}
