import { Dec } from '../core/money.js';
import type { PortfolioSnapshot } from '../core/portfolio.js';

/** A round trip as parity compares it: from a bot's state or from its replay. */
export interface ParityTrade {
  symbol: string;
  entryTime: number;
  /** null while open */
  exitTime: number | null;
  entryPrice: string;
  exitPrice: string | null;
  qty: string;
  fees: string;
  /** net of fees; an open trade is marked at the last recorded close */
  pnl: string;
  exitReason: string | null;
  open: boolean;
}

type Trip = PortfolioSnapshot['closed'][number];

/** The round trips of a ledger, by entry time; open ones marked at `marks`. */
export function tradesOfPortfolio(p: PortfolioSnapshot | undefined, marks: Record<string, number>): ParityTrade[] {
  if (!p) return [];
  const one = (rt: Trip, open: boolean): ParityTrade => {
    const mark = open && marks[rt.symbol] !== undefined ? new Dec(marks[rt.symbol]!).mul(rt.qty) : new Dec(0);
    const pnl = new Dec(rt.exitProceeds).plus(mark).minus(rt.entryCost).minus(rt.fees);
    return {
      symbol: rt.symbol,
      entryTime: rt.entryTime,
      exitTime: open ? null : rt.exitTime,
      entryPrice: rt.entryPrice,
      exitPrice: open ? null : rt.exitPrice,
      qty: rt.entryQty,
      fees: rt.fees,
      pnl: pnl.toFixed(),
      exitReason: open ? null : rt.exitReason,
      open,
    };
  };
  return [...p.closed.map((rt) => one(rt, false)), ...Object.values(p.open).map((rt) => one(rt, true))].sort((a, b) => a.entryTime - b.entryTime);
}
