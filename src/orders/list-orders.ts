import { UsageError } from '../core/errors.js';
import { idPrefixFor } from '../core/ids.js';
import { isTerminal, restoreOrder, type Order } from '../core/orders.js';
import type { BotStateDoc } from '../store/bot-state.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import { MANUAL_PREFIX } from './manual-book.js';

export type Which = 'open' | 'closed' | 'all';

/** One order as `orders list` and `orders show` print it (decimal strings, epoch ms). */
export interface OrderRow {
  clientOrderId: string;
  exchangeId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  amount: string;
  price: string | null;
  stopPrice: string | null;
  filled: string;
  status: string;
  purpose: string;
  /** manual (tbm-N), bot NAME, or external: not created by tradebot */
  owner: string;
  createdAt: number;
  updatedAt: number;
  reason: string | null;
  /** with a bot: the status the exchange reports now (null: not asked, offline or paper; 'not found') */
  exchangeStatus: string | null;
}

export function orderRow(o: Order, owner: string): OrderRow {
  return {
    clientOrderId: o.clientOrderId,
    exchangeId: o.exchangeId ?? null,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    amount: o.amount.toFixed(),
    price: o.price?.toFixed() ?? null,
    stopPrice: o.stopPrice?.toFixed() ?? null,
    filled: o.filled.toFixed(),
    status: o.status,
    purpose: o.purpose,
    owner,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    reason: o.reason ?? null,
    exchangeStatus: null,
  };
}

/** Who placed an order, from its client id: this home's manual orders, one of its bots, or someone else. */
export function ownerOf(clientOrderId: string, botNames: readonly string[]): string {
  if (clientOrderId.startsWith(`${MANUAL_PREFIX}-`)) return 'manual';
  for (const name of botNames) if (clientOrderId.startsWith(`${idPrefixFor(name)}-`)) return `bot ${name}`;
  return 'external';
}

const wanted = (which: Which, o: Order) => which === 'all' || (which === 'open') === !isTerminal(o.status);

/** The account's orders on the exchange, ours and external, marked. Closed ones need a pair (Binance's allOrders does). */
export async function accountOrders(port: CcxtExchange, o: { which: Which; pair?: string | null; botNames: readonly string[] }): Promise<OrderRow[]> {
  let orders: Order[];
  if (o.which === 'open') orders = await port.fetchOpenOrders(o.pair ? [o.pair] : null);
  else {
    if (!o.pair) throw new UsageError(`listing ${o.which} orders of the account needs --pair (the exchange keeps its order history per market)`);
    orders = await port.fetchRecentOrders(o.pair);
  }
  return orders.filter((x) => wanted(o.which, x)).map((x) => orderRow(x, ownerOf(x.clientOrderId, o.botNames)));
}

/** A bot's orders from its state file (recent finished ones are kept for a week). */
export function botOrders(doc: BotStateDoc, which: Which): Order[] {
  return (doc.engine?.orders ?? []).map(restoreOrder).filter((x) => wanted(which, x));
}

/** Asks the exchange about each of a bot's orders (by client id), without changing anything. */
export async function withExchangeStatus(port: CcxtExchange, rows: OrderRow[]): Promise<OrderRow[]> {
  for (const r of rows) {
    const found = await port.fetchOrder(r.clientOrderId, r.symbol);
    r.exchangeStatus = found ? found.status : 'not found';
  }
  return rows;
}
