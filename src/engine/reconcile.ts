import { Dec, type Dec as Decimal } from '../core/money.js';
import { isTerminal, type Order } from '../core/orders.js';

/**
 * Reconciliation: the bot's own view (ledger balances, open orders) against the exchange's.
 * Pure: the caller fetches, this decides, the caller applies. Orders tradebot did not create
 * (another client order id prefix) are reported as external and never touched.
 *
 * The bot's ledger holds its budget and what its own fills moved; the account may hold more
 * (coins it had before, other people's or other bots' money): that excess is external, shown and
 * never adopted. Only a shortfall (the account holds less than the bot's ledger: something spent
 * or sold the bot's money behind its back) is drift. A later account shared by several bots
 * compares the sum of their ledgers the same way.
 */
export interface ReconcileInput {
  /** client order ids of this bot start with it */
  prefix: string;
  /** the currencies the bot trades (quote and the bases of its pairs) */
  currencies: string[];
  ledger: Record<string, Decimal>;
  exchangeTotals: Record<string, Decimal>;
  /** orders the bot believes can still change: open, pending, unknown, pending-cancel */
  localOpen: Order[];
  /** open orders on the exchange for the bot's pairs */
  exchangeOpen: Order[];
  /** what a targeted lookup by client order id found for each local open order (null: not found) */
  lookups: Record<string, Order | null>;
  /** balances closer than this are equal (dust) */
  dust?: Decimal;
}

export type ReconcileAction =
  | { kind: 'update-order'; clientOrderId: string; from: string; to: string; filled: string; order: Order }
  | { kind: 'not-placed'; clientOrderId: string; symbol: string; side: string; amount: string }
  | { kind: 'mark-lost'; clientOrderId: string; symbol: string; side: string; amount: string }
  | { kind: 'adopt-order'; clientOrderId: string; symbol: string; side: string; amount: string; order: Order }
  | { kind: 'external'; clientOrderId: string; symbol: string; side: string; amount: string }
  /** the account holds less than the bot's ledger: accepting it journals a transfer out of the ledger */
  | { kind: 'adopt-balance'; currency: string; local: string; exchange: string; difference: string }
  /** the account holds more than the bot's ledger: the rest is not the bot's */
  | { kind: 'external-balance'; currency: string; local: string; exchange: string; amount: string };

export interface ReconcilePlan {
  actions: ReconcileAction[];
  /** actions that change the bot's view in a way an operator must accept (lost orders, balances, adoptions) */
  drift: ReconcileAction[];
  /** safe corrections: the exchange answered for orders the bot sent */
  safe: ReconcileAction[];
  /** orders and holdings on the account that are not the bot's: listed, never touched */
  external: ReconcileAction[];
}

export function reconcile(i: ReconcileInput): ReconcilePlan {
  const actions: ReconcileAction[] = [];
  // exchanges account to 8 decimals at best: smaller differences are rounding, not drift
  const dust = i.dust ?? new Dec('1e-8');
  const mine = (coid: string) => coid.startsWith(`${i.prefix}-`);
  const localIds = new Set(i.localOpen.map((o) => o.clientOrderId));

  for (const o of i.localOpen) {
    const found = i.lookups[o.clientOrderId];
    if (found) {
      if (found.status !== o.status || !found.filled.eq(o.filled)) {
        actions.push({ kind: 'update-order', clientOrderId: o.clientOrderId, from: o.status, to: found.status, filled: found.filled.toFixed(), order: found });
      }
    } else if (o.status === 'pending' || o.status === 'unknown') {
      // journaled, never acknowledged, and the exchange has no such order: it was never placed
      actions.push({ kind: 'not-placed', clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, amount: o.amount.toFixed() });
    } else {
      actions.push({ kind: 'mark-lost', clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, amount: o.amount.toFixed() });
    }
  }

  for (const o of i.exchangeOpen) {
    if (localIds.has(o.clientOrderId) || isTerminal(o.status)) continue;
    const base = { clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, amount: o.amount.toFixed() };
    actions.push(mine(o.clientOrderId) ? { kind: 'adopt-order', ...base, order: o } : { kind: 'external', ...base });
  }

  // Balances are compared after the order corrections above would be applied: the caller applies
  // the safe ones first and calls again; what differs then is real drift.
  for (const c of i.currencies) {
    const local = i.ledger[c] ?? new Dec(0);
    const ex = i.exchangeTotals[c] ?? new Dec(0);
    if (local.minus(ex).gt(dust)) {
      actions.push({ kind: 'adopt-balance', currency: c, local: local.toFixed(), exchange: ex.toFixed(), difference: ex.minus(local).toFixed() });
    } else if (ex.minus(local).gt(dust)) {
      actions.push({ kind: 'external-balance', currency: c, local: local.toFixed(), exchange: ex.toFixed(), amount: ex.minus(local).toFixed() });
    }
  }

  const safe = actions.filter((a) => a.kind === 'update-order' || a.kind === 'not-placed');
  const drift = actions.filter((a) => a.kind === 'mark-lost' || a.kind === 'adopt-order' || a.kind === 'adopt-balance');
  const external = actions.filter((a) => a.kind === 'external' || a.kind === 'external-balance');
  return { actions, drift, safe, external };
}

/** Terraform-style lines: `~` change, `-` remove, `+` adopt, `!` attention, `=` left alone. */
export function renderPlan(plan: ReconcilePlan): string {
  if (plan.actions.length === 0) return 'No differences: the bot and the exchange agree.\n';
  const lines = plan.actions.map((a) => {
    switch (a.kind) {
      case 'update-order':
        return `~ order ${a.clientOrderId}: ${a.from} -> ${a.to} (filled ${a.filled}) [apply the exchange's state]`;
      case 'not-placed':
        return `- order ${a.clientOrderId} ${a.side} ${a.amount} ${a.symbol}: journaled but not on the exchange [mark not-placed; nothing is resent]`;
      case 'mark-lost':
        return `! order ${a.clientOrderId} ${a.side} ${a.amount} ${a.symbol}: open locally, not found on the exchange [mark lost]`;
      case 'adopt-order':
        return `+ order ${a.clientOrderId} ${a.side} ${a.amount} ${a.symbol}: ours, open on the exchange, unknown locally [adopt]`;
      case 'external':
        return `= order ${a.clientOrderId} ${a.side} ${a.amount} ${a.symbol}: external (not created by this bot) [never touched]`;
      case 'adopt-balance':
        return `~ balance ${a.currency}: bot ${a.local}, exchange ${a.exchange} (${a.difference}) [accept: journaled as a transfer out of the bot's ledger]`;
      case 'external-balance':
        return `= balance ${a.currency}: ${a.amount} external (the account holds ${a.exchange}, the bot ${a.local}) [not the bot's: never traded or counted]`;
    }
  });
  const n = plan.safe.length + plan.drift.length;
  return `${lines.join('\n')}\n\nPlan: ${n} to apply (${plan.drift.length} need --apply or --adopt), ${plan.actions.length - n} external left alone.\n`;
}
