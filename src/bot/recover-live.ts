import type { OrderRequest } from '../core/orders.js';
import { Dec, type Dec as Decimal } from '../core/money.js';
import { isTerminal } from '../core/orders.js';
import type { Engine } from '../engine/engine.js';
import { reconcile, type ReconcilePlan } from '../engine/reconcile.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import { Journal } from '../store/journal.js';
import type { JournalEntry } from '../engine/ports.js';

/** Journaled intents of this bot: those after the last snapshot are the ones whose fate is unknown. */
export async function readJournalIntents(path: string, prefix: string): Promise<{ intents: OrderRequest[]; maxSeq: number; torn: boolean }> {
  const { entries, torn } = await Journal.read<JournalEntry>(path);
  const intents: OrderRequest[] = [];
  let maxSeq = 0;
  for (const e of entries) {
    if (e.type !== 'intent') continue;
    const req = reviveRequest(e.order);
    intents.push(req);
    const m = new RegExp(`^${prefix}-(\\d+)`).exec(req.clientOrderId);
    if (m) maxSeq = Math.max(maxSeq, Number(m[1]));
  }
  return { intents, maxSeq, torn };
}

/** Intents journaled after the snapshot (their sequence is past the snapshot's): their fate is unknown. */
export async function intentsAfterSnapshot(path: string, prefix: string, snapshotSeq: number): Promise<{ intents: OrderRequest[]; maxSeq: number; torn: boolean }> {
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
 * Live start-up (RELIABILITY rows 1, 2, 11, 12): intents journaled after the last snapshot become
 * orders of unknown outcome; every order that can still change is looked up on the exchange by
 * client order id; what the exchange says is applied (fills adopted, never-placed intents marked
 * not-placed, nothing re-sent). Then balances and open orders are compared; drift the operator
 * must accept is adopted only with `adopt`. Returns a description of remaining drift, or null.
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
}): Promise<string | null> {
  const plan = await planRecovery(o);
  if (plan.drift.length === 0) return null;
  if (!o.adopt) return plan.drift.map((a) => a.kind).join(', ');
  applyDrift(o.engine, o.port, plan, o.now());
  return null;
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
  return { actions: [...plan.safe, ...after.actions], safe, drift: after.drift };
}

export function applyDrift(engine: Engine, port: CcxtExchange, plan: ReconcilePlan, now: number): void {
  for (const a of plan.drift) {
    if (a.kind === 'mark-lost') engine.markOrder(a.clientOrderId, 'lost', now, 'not found on the exchange after repeated lookups');
    else if (a.kind === 'adopt-order') {
      engine.adoptOrder(a.order);
      port.track(a.order);
    } else if (a.kind === 'adopt-balance') engine.setBalance(a.currency, new Dec(a.exchange));
  }
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
