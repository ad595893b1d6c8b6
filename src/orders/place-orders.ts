import { ExchangeError, OrderRejectedError, UsageError } from '../core/errors.js';
import type { Order, OrderRequest } from '../core/orders.js';
import type { TradebotConfig } from '../config/schema.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import { loadCredentials } from '../bot/credentials.js';
import { connectExchange } from '../bot/live-exchange.js';
import { openLiveBot, type OpenBot } from '../bot/open-bot.js';
import { journalManual, MANUAL_PREFIX, manualIntents, manualPaths, nextManualId } from './manual-book.js';
import { orderRow, ownerOf } from './list-orders.js';
import { botNames } from '../bot/status.js';
import { describeRequest, manualRequest, type ManualOrderInput } from './manual-request.js';

/** Asked with what is about to be sent; throws (nothing sent) when the operator says no. */
export type Confirm = (summary: string[]) => Promise<void>;

export interface OrdersContext {
  cfg: TradebotConfig;
  home: string;
  env: NodeJS.ProcessEnv;
  /** act through this bot's journal, state and ids (the bot must be stopped) */
  bot?: string;
  confirm: Confirm;
}

/** What a command did: lines for a person, and the `--json` document (without its schemaVersion). */
export interface PlaceOutcome {
  lines: string[];
  json: Record<string, unknown>;
}

/** The account with the operator's keys (no bot). */
export async function openAccount(cfg: TradebotConfig, env: NodeJS.ProcessEnv): Promise<CcxtExchange> {
  if (!cfg.exchange.id) throw new UsageError('which exchange? --exchange ID (or exchange.id in the config)');
  const creds = await loadCredentials({ env, secretsFile: cfg.secretsFile });
  return (await connectExchange(cfg, creds)).port;
}

async function withBot<T>(c: OrdersContext, command: string, fn: (bot: OpenBot) => Promise<T>): Promise<T> {
  const bot = await openLiveBot(c.cfg, { home: c.home, name: c.bot!, command, env: c.env });
  try {
    const out = await fn(bot);
    await bot.store.checkpoint(() => bot.engine.snapshot());
    return out;
  } finally {
    await bot.close();
  }
}

function outcomeLine(o: Order | undefined, what: string): string {
  if (!o) return `${what}: no answer`;
  const fill = o.filled.isZero() ? '' : `, filled ${o.filled.toFixed()}`;
  return `${what} ${o.clientOrderId}: ${o.status}${fill}${o.exchangeId ? ` (exchange id ${o.exchangeId})` : ''}${o.reason ? `: ${o.reason}` : ''}`;
}

/** A decision the engine journaled as rejected or unknown becomes the command's error (exit 4). */
function raiseIfFailed(o: Order): void {
  if (o.status === 'rejected') throw new OrderRejectedError('invalid-order', `order ${o.clientOrderId} rejected: ${o.reason ?? 'by the exchange'}`);
  if (o.status === 'unknown') throw new ExchangeError(`order ${o.clientOrderId}: ${o.reason ?? 'no answer'}; its outcome is unknown: it is never re-sent; check it with tradebot orders show ${o.clientOrderId}`, 'unknown-outcome');
}

const owner = (c: OrdersContext) => (c.bot ? `bot ${c.bot}` : 'manual');
const row = (c: OrdersContext, o: Order | null | undefined) => (o ? orderRow(o, owner(c)) : null);

/** `orders create`: checked, confirmed, journaled, then sent. */
export async function createOrder(c: OrdersContext, input: ManualOrderInput): Promise<PlaceOutcome> {
  let notes: string[] = [];
  const build = async (port: CcxtExchange) => {
    const m = port.market(input.pair);
    if (!m) throw new UsageError(`${c.cfg.exchange.id ?? 'the exchange'} has no market ${input.pair}`);
    const built = manualRequest(input, m, await port.lastPrice(input.pair));
    notes = built.notes;
    await c.confirm([`${c.bot ? `bot ${c.bot}: ` : ''}${describeRequest(built.req)}`, ...built.notes]);
    return built.req;
  };
  const done = (o: Order | null | undefined): PlaceOutcome => ({ lines: [outcomeLine(o ?? undefined, 'order')], json: { bot: c.bot ?? null, order: row(c, o), notes } });
  if (c.bot) {
    return withBot(c, `tradebot orders create --bot ${c.bot}`, async (bot) => {
      if (!bot.pairs.includes(input.pair)) throw new UsageError(`bot ${c.bot} trades ${bot.pairs.join(', ')}, not ${input.pair}`);
      const req = { ...(await build(bot.port)), clientOrderId: bot.engine.settings.ids.next(), createdAt: Date.now() } as OrderRequest;
      const o = await bot.engine.manualOrder(req);
      await bot.store.checkpoint(() => bot.engine.snapshot());
      raiseIfFailed(o);
      return done(o);
    });
  }
  const port = await openAccount(c.cfg, c.env);
  const base = await build(port);
  const req = { ...base, clientOrderId: await nextManualId(c.home), createdAt: Date.now() } as OrderRequest;
  await journalManual(c.home, { type: 'intent', time: req.createdAt, order: req });
  try {
    const ack = await port.submit(req);
    await journalManual(c.home, { type: 'sent', time: Date.now(), clientOrderId: req.clientOrderId, exchangeId: ack.exchangeId, status: ack.status });
    return done(await port.fetchOrder(req.clientOrderId, req.symbol));
  } catch (err) {
    const unknown = err instanceof ExchangeError && err.failure === 'unknown-outcome';
    await journalManual(c.home, { type: 'status', time: Date.now(), clientOrderId: req.clientOrderId, status: unknown ? 'unknown' : 'rejected', reason: (err as Error).message });
    if (unknown) throw new ExchangeError(`${(err as Error).message}; order ${req.clientOrderId} is never re-sent: check it with tradebot orders show ${req.clientOrderId} --pair ${req.symbol}`, 'unknown-outcome', { cause: err });
    throw err;
  }
}

/**
 * Without --bot, tradebot changes only this home's manual orders: a bot's order goes through the
 * bot (its journal and ledger must know), and an order tradebot did not create is never touched.
 */
async function requireManual(c: OrdersContext, id: string, what: string, pair: string | undefined): Promise<OrderRequest> {
  const journaled = (await manualIntents(c.home)).get(id);
  if (journaled) {
    if (pair && pair !== journaled.symbol) throw new UsageError(`order ${id} is on ${journaled.symbol}, not ${pair}`);
    return journaled;
  }
  const who = ownerOf(id, await botNames(c.home));
  if (who.startsWith('bot ')) throw new UsageError(`order ${id} belongs to ${who}: ${what} it with --bot ${who.slice(4)} (the bot stopped), so that its journal and ledger know`);
  throw new UsageError(`order ${id} is not one of this home's manual orders (${manualPaths(c.home).journal}): tradebot ${what}s only orders it created`);
}

/** `orders cancel ID` / `orders cancel --all --pair P`: this home's manual orders, or a stopped bot's. */
export async function cancelOrders(c: OrdersContext, o: { id?: string; all: boolean; pair?: string }): Promise<PlaceOutcome> {
  const done = (lines: string[], orders: (Order | null | undefined)[]): PlaceOutcome => ({ lines, json: { bot: c.bot ?? null, orders: orders.flatMap((x) => (x ? [row(c, x)] : [])) } });
  if (c.bot) {
    return withBot(c, `tradebot orders cancel --bot ${c.bot}`, async (bot) => {
      if (o.id) {
        const x = bot.engine.orders.get(o.id);
        if (!x) throw new UsageError(`order ${o.id} is not one of bot ${c.bot}'s orders`);
        await c.confirm([`bot ${c.bot}: cancel ${o.id} (${describeRequest(x)}, ${x.status})`]);
        await bot.engine.cancelOrder(o.id);
        return done([outcomeLine(bot.engine.orders.get(o.id), 'order')], [bot.engine.orders.get(o.id)]);
      }
      const open = bot.engine.openOrders().filter((x) => x.symbol === o.pair && x.status !== 'pending' && x.status !== 'unknown');
      if (open.length === 0) return done([`bot ${c.bot} has no open order on ${o.pair}`], []);
      await c.confirm([`bot ${c.bot}: cancel ${open.length} open order(s) on ${o.pair}: ${open.map((x) => x.clientOrderId).join(', ')}`]);
      const n = await bot.engine.cancelAll(o.pair);
      const after = open.map((x) => bot.engine.orders.get(x.clientOrderId));
      return done([`cancelled ${n} of ${open.length}`, ...after.map((x) => outcomeLine(x, 'order'))], after);
    });
  }
  const ids: { id: string; symbol: string }[] = [];
  if (o.id) ids.push({ id: o.id, symbol: (await requireManual(c, o.id, 'cancel', o.pair)).symbol });
  const port = await openAccount(c.cfg, c.env);
  if (!o.id) {
    const mine = (await port.fetchOpenOrders([o.pair!])).filter((x) => x.clientOrderId.startsWith(`${MANUAL_PREFIX}-`));
    if (mine.length === 0) return done([`no open manual order on ${o.pair} (orders of bots and external ones are never cancelled by --all)`], []);
    ids.push(...mine.map((x) => ({ id: x.clientOrderId, symbol: x.symbol })));
  }
  await c.confirm(ids.map((x) => `cancel ${x.id} on ${x.symbol}`));
  const lines: string[] = [];
  const after: (Order | null)[] = [];
  for (const x of ids) {
    try {
      await port.cancel(x.id, x.symbol);
    } catch (err) {
      // not found or already filled: say what the exchange has rather than assume
      if (!(err instanceof OrderRejectedError)) throw err;
    }
    const now = await port.fetchOrder(x.id, x.symbol);
    if (now) await journalManual(c.home, { type: 'status', time: Date.now(), clientOrderId: x.id, status: now.status });
    lines.push(now ? outcomeLine(now, 'order') : `order ${x.id}: not found on ${x.symbol}`);
    after.push(now);
  }
  return done(lines, after);
}

/** `orders amend ID --price P [--amount A]`: the exchange's edit where it has one, else cancel then place. */
export async function amendOrder(c: OrdersContext, o: { id: string; price: string; amount?: string; pair?: string }): Promise<PlaceOutcome> {
  const plan = async (port: CcxtExchange, old: Order) => {
    const m = port.market(old.symbol)!;
    const input: ManualOrderInput = { pair: old.symbol, side: old.side, type: old.type === 'market' ? 'market' : 'limit', amount: o.amount ?? old.amount.minus(old.filled).toFixed() };
    if (old.type === 'stop' && !old.price) input.stop = o.price;
    else {
      input.price = o.price;
      if (old.stopPrice) input.stop = old.stopPrice.toFixed();
    }
    if (input.type === 'market') throw new UsageError(`order ${old.clientOrderId} is a market order: nothing to amend`);
    const built = manualRequest(input, m, await port.lastPrice(old.symbol));
    const how = port.ex.has.editOrder ? "the exchange's edit (cancel-replace in one request)" : 'cancel, then a new order (the exchange has no edit)';
    await c.confirm([`amend ${old.clientOrderId} (${describeRequest(old)}) to ${describeRequest(built.req)}`, `by ${how}`, ...built.notes]);
    return built.req;
  };
  const how = (method: 'edit' | 'cancel-replace') => (method === 'edit' ? "edited on the exchange (the exchange's edit, ccxt editOrder)" : 'cancelled, then replaced by a new order');
  const done = (method: 'edit' | 'cancel-replace', was: Order | null | undefined, now: Order | null | undefined): PlaceOutcome => ({
    lines: [`${o.id} ${how(method)}:`, outcomeLine(was ?? undefined, 'old'), outcomeLine(now ?? undefined, 'new')],
    json: { bot: c.bot ?? null, method, old: row(c, was), new: row(c, now) },
  });
  if (c.bot) {
    return withBot(c, `tradebot orders amend --bot ${c.bot}`, async (bot) => {
      const old = bot.engine.orders.get(o.id);
      if (!old) throw new UsageError(`order ${o.id} is not one of bot ${c.bot}'s orders`);
      const req = { ...(await plan(bot.port, old)), purpose: old.purpose, clientOrderId: bot.engine.settings.ids.next(), createdAt: Date.now() } as OrderRequest;
      const { order: n, method } = await bot.engine.amendOrder(o.id, req);
      await bot.store.checkpoint(() => bot.engine.snapshot());
      raiseIfFailed(n);
      return done(method, bot.engine.orders.get(o.id), n);
    });
  }
  const { symbol } = await requireManual(c, o.id, 'amend', o.pair);
  const port = await openAccount(c.cfg, c.env);
  const old = await port.fetchOrder(o.id, symbol);
  if (!old) throw new UsageError(`order ${o.id} is not on the exchange (${symbol})`);
  if (old.status !== 'open') throw new UsageError(`order ${o.id} is ${old.status}: only an open order can be amended`);
  port.track(old);
  const req = { ...(await plan(port, old)), clientOrderId: await nextManualId(c.home), createdAt: Date.now() } as OrderRequest;
  await journalManual(c.home, { type: 'intent', time: req.createdAt, order: req });
  let method: 'edit' | 'cancel-replace';
  try {
    const ack = await port.replace(o.id, req);
    method = ack.method;
    await journalManual(c.home, { type: 'sent', time: Date.now(), clientOrderId: req.clientOrderId, exchangeId: ack.exchangeId, status: ack.status });
  } catch (err) {
    const unknown = err instanceof ExchangeError && err.failure === 'unknown-outcome';
    await journalManual(c.home, { type: 'status', time: Date.now(), clientOrderId: req.clientOrderId, status: unknown ? 'unknown' : 'rejected', reason: (err as Error).message });
    throw err;
  }
  const [was, now] = [await port.fetchOrder(o.id, symbol), await port.fetchOrder(req.clientOrderId, symbol)];
  if (was) await journalManual(c.home, { type: 'status', time: Date.now(), clientOrderId: o.id, status: was.status });
  return done(method, was, now);
}
