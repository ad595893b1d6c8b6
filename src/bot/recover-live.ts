import type { OrderRequest } from '../core/orders.js';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import { isTerminal } from '../core/orders.js';
import type { Engine } from '../engine/engine.js';
import { reconcile, type ReconcilePlan } from '../engine/reconcile.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import { Journal } from '../store/journal.js';
import type { JournalEntry, Store } from '../engine/ports.js';

export interface JournalIntents {
  intents: OrderRequest[];
  maxSeq: number;
  torn: boolean;
  /** the fills already journaled, by fillKey */
  fills: Set<string>;
}

/** A fill's identity in the journal: trade ids are unique per market, and a fill belongs to one order. */
export function fillKey(f: { clientOrderId: string; tradeId: string }): string {
  return `${f.clientOrderId} ${f.tradeId}`;
}

/** Journaled intents of this bot: those after the last snapshot are the ones whose fate is unknown. */
export async function readJournalIntents(path: string, prefix: string): Promise<JournalIntents> {
  const { entries, torn } = await Journal.read<JournalEntry>(path);
  const intents: OrderRequest[] = [];
  const fills = new Set<string>();
  let maxSeq = 0;
  for (const e of entries) {
    if (e.type === 'fill') fills.add(fillKey(e.fill));
    if (e.type !== 'intent') continue;
    const req = reviveRequest(e.order);
    intents.push(req);
    const m = new RegExp(`^${prefix}-(\\d+)`).exec(req.clientOrderId);
    if (m) maxSeq = Math.max(maxSeq, Number(m[1]));
  }
  return { intents, maxSeq, torn, fills };
}

/** Intents journaled after the snapshot (their sequence is past the snapshot's): their fate is unknown. */
export async function intentsAfterSnapshot(path: string, prefix: string, snapshotSeq: number): Promise<JournalIntents> {
  const j = await readJournalIntents(path, prefix);
  return { ...j, intents: j.intents.filter((r) => Number(/-(\d+)$/.exec(r.clientOrderId)?.[1] ?? 0) > snapshotSeq) };
}

/** Journal lines hold Decimals as strings. */
function reviveRequest(raw: OrderRequest): OrderRequest {
  const r = raw as unknown as Record<string, unknown>;
  const d = (v: unknown) => (v === undefined || v === null ? undefined : new Dec(String(v)));
  return { ...raw, amount: d(r.amount)!, price: d(r.price), stopPrice: d(r.stopPrice) };
}

/** How often a local open order that the exchange does not know is looked up before it is called lost. */
const LOOKUPS = 3;

/**
 * The bot's store, with each fill journaled once. A recovery finds again the fills that a crash
 * left in the journal but not in the snapshot: the ledger needs them (the snapshot lacks them),
 * the journal already has them.
 */
export function journalFillsOnce<S extends Store>(store: S, journaled: Set<string>): S {
  const journal = store.journal.bind(store);
  store.journal = (entry: JournalEntry) => {
    if (entry.type === 'fill') {
      const key = fillKey(entry.fill);
      if (journaled.has(key)) return undefined;
      journaled.add(key);
    }
    return journal(entry);
  };
  return store;
}

export interface Recovery {
  /** what remains to be accepted (without `adopt`), as a short list of kinds; null when nothing */
  drift: string | null;
  plan: ReconcilePlan;
  /** with `adopt`: the quote value of the balances given up (journaled as transfers) */
  transferred: Decimal;
}

/**
 * Live start-up (RELIABILITY rows 1, 2, 11, 12, 29): intents journaled after the last snapshot
 * become orders of unknown outcome; every order that can still change is looked up on the
 * exchange by client order id; what the exchange says is applied (fills adopted, never-placed
 * intents marked not-placed, nothing re-sent). Then balances and open orders are compared; drift
 * the operator must accept is adopted only with `adopt`. What the account holds beyond the bot's
 * ledger is external: reported in the plan, never adopted.
 */
export async function recoverLive(o: {
  engine: Engine;
  port: CcxtExchange;
  pairs: string[];
  currencies: string[];
  prefix: string;
  journalAfterSnapshot: OrderRequest[];
  adopt: boolean;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<Recovery> {
  const plan = await planRecovery(o);
  if (plan.drift.length === 0) return { drift: null, plan, transferred: ZERO };
  if (!o.adopt) return { drift: [...new Set(plan.drift.map((a) => a.kind))].join(', '), plan, transferred: ZERO };
  return { drift: null, plan, transferred: await applyDrift(o.engine, o.port, plan, o.now()) };
}

/**
 * The first half of recovery, shared by live start-up and `tradebot reconcile`: unresolved
 * intents become orders of unknown outcome, what the exchange says about the bot's own orders is
 * applied (the safe part), and the exchange is compared again. The plan returned lists the safe
 * corrections applied and the drift that remains (applied only by applyDrift).
 */
export async function planRecovery(o: {
  engine: Engine;
  port: CcxtExchange;
  pairs: string[];
  currencies: string[];
  prefix: string;
  journalAfterSnapshot: OrderRequest[];
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<ReconcilePlan> {
  const { engine, port } = o;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const req of o.journalAfterSnapshot) if (!engine.orders.has(req.clientOrderId)) engine.adoptUnknown(req, o.now());

  const plan = await makePlan(o, sleep);
  // orders of ours the exchange knows: their fills and status come in as events
  await engine.applyEvents(port.drainEvents());
  for (const a of plan.safe) if (a.kind === 'not-placed') engine.markOrder(a.clientOrderId, 'not-placed', o.now(), 'journaled, but the exchange never received it');

  const after = await makePlan(o, sleep);
  await engine.applyEvents(port.drainEvents());
  const safe = [...plan.safe, ...after.safe];
  return { actions: [...plan.safe, ...after.actions], safe, drift: after.drift, external: after.external };
}

/**
 * Accept the drift: lost orders marked, the bot's own orders adopted, shortfalls journaled as
 * transfers out of the ledger. Returns the quote value of what left the ledger (base at the
 * exchange's last price), so that status can keep it out of the bot's PnL.
 */
export async function applyDrift(engine: Engine, port: CcxtExchange, plan: ReconcilePlan, now: number): Promise<Decimal> {
  let value = ZERO;
  for (const a of plan.drift) {
    if (a.kind === 'mark-lost') engine.markOrder(a.clientOrderId, 'lost', now, 'not found on the exchange after repeated lookups');
    else if (a.kind === 'adopt-order') {
      engine.adoptOrder(a.order);
      port.track(a.order);
    } else if (a.kind === 'adopt-balance') {
      const delta = await engine.adjustBalance(a.currency, new Dec(a.exchange), now, `the account holds ${a.exchange} ${a.currency}, the bot's ledger ${a.local}: accepted`);
      const inst = engine.instruments.find((i) => i.market.base === a.currency);
      value = value.plus(a.currency === engine.settings.quote ? delta : inst ? delta.mul(await port.lastPrice(inst.symbol)) : ZERO);
    }
  }
  return value;
}

/** What the account holds beyond the bot's ledger, per currency (decimal strings). */
export function externalHoldings(plan: ReconcilePlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of plan.external) if (a.kind === 'external-balance') out[a.currency] = a.amount;
  return out;
}

export async function makePlan(
  o: { engine: Engine; port: CcxtExchange; pairs: string[]; currencies: string[]; prefix: string },
  sleep: (ms: number) => Promise<void>,
): Promise<ReconcilePlan> {
  const { engine, port } = o;
  const localOpen = [...engine.orders.values()].filter((x) => !isTerminal(x.status));
  const lookups: Record<string, Awaited<ReturnType<CcxtExchange['fetchOrder']>>> = {};
  for (const x of localOpen) {
    port.track(x);
    let found = await port.fetchOrder(x.clientOrderId, x.symbol);
    // an order the bot believes open but the exchange does not show: ask again before calling it lost
    for (let n = 1; !found && n < LOOKUPS && (x.status === 'open' || x.status === 'pending-cancel'); n++) {
      await sleep(500);
      found = await port.fetchOrder(x.clientOrderId, x.symbol);
    }
    lookups[x.clientOrderId] = found;
  }
  const exchangeOpen = await port.fetchOpenOrders(o.pairs);
  const balances = await port.fetchBalances();
  const totals: Record<string, Decimal> = {};
  for (const [c, b] of Object.entries(balances)) totals[c] = b.total;
  const ledger: Record<string, Decimal> = {};
  for (const c of o.currencies) ledger[c] = engine.portfolio.balance(c);
  return reconcile({ prefix: o.prefix, currencies: o.currencies, ledger, exchangeTotals: totals, localOpen, exchangeOpen, lookups });
}
