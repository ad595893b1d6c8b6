import { Command } from 'commander';
import { UsageError } from '../src/core/errors.js';
import type { CommandEnv } from '../src/io.js';
import type { OrderRow, Which } from '../src/orders/list-orders.js';
import { addExchangeOptions, exchangeConfig } from './exchange-options.js';
import { confirmOrRefuse, requireConfirmable } from './guard.js';

const GUARD = `
Orders that move money are shown first and confirmed on a terminal (default No); without a
terminal they are refused unless --yes. Amounts are rounded down to the market's step, prices
to its tick (in the order's favour), and the exchange's minimums and maximums (amount, notional,
price, where it publishes them) are checked before anything is sent. Every order is journaled before it is sent: without --bot in <home>/manual-journal.jsonl
(client ids tbm-N), with --bot in the bot's own journal and state (its ids), which needs the bot
stopped (refused while it runs, exit 5).
Keys: TRADEBOT_API_KEY / TRADEBOT_API_SECRET or --secrets-file, as for tradebot live.

Exit codes: 0 done, 2 usage error, not confirmed, or an order id this home (or the bot) does not
know, 4 the exchange refused or did not answer (an order of unknown outcome is never re-sent:
tradebot orders show ID tells what the exchange has), 5 the bot is running or its state is unusable.`;

interface BotOpt {
  bot?: string;
  yes?: boolean;
  json?: boolean;
}

/** What create, cancel and amend did: lines, or one JSON document. */
function printOutcome(env: CommandEnv, out: { lines: string[]; json: Record<string, unknown> }, json: boolean | undefined): void {
  env.stdout.write(json ? `${JSON.stringify({ schemaVersion: 1, ...out.json }, null, 2)}\n` : `${out.lines.join('\n')}\n`);
}

function which(o: { open?: boolean; closed?: boolean; all?: boolean }): Which {
  const n = [o.open, o.closed, o.all].filter(Boolean).length;
  if (n > 1) throw new UsageError('--open, --closed and --all exclude each other');
  return o.closed ? 'closed' : o.all ? 'all' : 'open';
}

async function printRows(env: CommandEnv, rows: OrderRow[], json: boolean, title: string): Promise<void> {
  if (json) return void env.stdout.write(`${JSON.stringify({ schemaVersion: 1, orders: rows }, null, 2)}\n`);
  const { renderOrderTable } = await import('../src/report/orders-table.js');
  env.stdout.write(renderOrderTable(rows, { title }));
}

async function context(cmd: Command, env: CommandEnv, opts: BotOpt) {
  const { cfg, home } = await exchangeConfig(cmd, env);
  const confirm = (summary: string[]) => confirmOrRefuse(env, opts.yes === true, summary, 'Send this to the exchange?');
  return { cfg, home, env: env.env, confirm, ...(opts.bot ? { bot: opts.bot } : {}) };
}

export function ordersCommand(env: CommandEnv): Command {
  const orders = new Command('orders').description("List, show, create, cancel and amend orders on the exchange (the account's, or a stopped bot's)");

  orders.addCommand(
    addExchangeOptions(new Command('list').description("Open orders on the exchange (ours and external, marked), or a bot's orders with NAME").argument('[name]', 'a bot: its orders from its state file'))
      .option('--open', 'open orders (the default)')
      .option('--closed', 'finished orders')
      .option('--all', 'open and finished')
      .option('--pair <symbol>', 'only this market (needed for --closed/--all without a bot)')
      .option('--json', 'print {schemaVersion, orders: [...]}', false)
      .option('--offline', 'read state files only: no exchange, no keys (needs NAME)', false)
      .action(async (name: string | undefined, opts: { open?: boolean; closed?: boolean; all?: boolean; pair?: string; json: boolean; offline: boolean }, cmd: Command) => {
        const w = which(opts);
        if (name === undefined) {
          if (opts.offline) throw new UsageError('without a bot name, orders list asks the exchange: --offline needs NAME');
          const { cfg, home } = await exchangeConfig(cmd, env);
          const { openAccount } = await import('../src/orders/place-orders.js');
          const { accountOrders } = await import('../src/orders/list-orders.js');
          const { botNames } = await import('../src/bot/status.js');
          const port = await openAccount(cfg, env.env);
          const rows = await accountOrders(port, { which: w, pair: opts.pair ?? null, botNames: await botNames(home) });
          return printRows(env, rows, opts.json, `${w} orders on ${cfg.exchange.id}${opts.pair ? ` ${opts.pair}` : ''}`);
        }
        const { homeFrom } = await import('./home-options.js');
        const home = await homeFrom(cmd.opts(), env);
        const { requireBot } = await import('../src/bot/status.js');
        const { botPaths } = await import('../src/store/bot-paths.js');
        const { readStateDoc } = await import('../src/store/read-state.js');
        const { botOrders, orderRow, withExchangeStatus } = await import('../src/orders/list-orders.js');
        await requireBot(home, name);
        const doc = await readStateDoc(botPaths(home, name).state);
        if (!doc) throw new UsageError(`bot ${name} has no state yet`);
        let rows = botOrders(doc, w)
          .filter((o) => !opts.pair || o.symbol === opts.pair)
          .map((o) => orderRow(o, `bot ${name}`));
        if (!opts.offline && doc.bot.mode === 'live' && rows.length > 0) {
          const { cfg } = await exchangeConfig(cmd, env);
          const { openAccount } = await import('../src/orders/place-orders.js');
          rows = await withExchangeStatus(await openAccount({ ...cfg, exchange: { ...cfg.exchange, id: cfg.exchange.id ?? doc.bot.exchange, apiUrl: cfg.exchange.apiUrl ?? doc.bot.apiUrl } }, env.env), rows);
        }
        await printRows(env, rows, opts.json, `${w} orders of bot ${name} (${doc.bot.mode}${opts.offline || doc.bot.mode === 'paper' ? ', from its state file' : ''})`);
      }),
  );

  orders.addCommand(
    addExchangeOptions(new Command('show').description('One order in full: from a bot\'s state (--bot) or the exchange').argument('<id>', 'client order id'))
      .option('--bot <name>', "the bot's order (its state, and the exchange's view unless --offline)")
      .option('--pair <symbol>', 'the market of the order (found in the manual journal when omitted)')
      .option('--json', 'print the order as JSON', false)
      .option('--offline', 'read the bot\'s state file only (needs --bot)', false)
      .action(async (id: string, opts: { bot?: string; pair?: string; json: boolean; offline: boolean }, cmd: Command) => {
        const { orderRow, ownerOf } = await import('../src/orders/list-orders.js');
        const { renderOrderDetail } = await import('../src/report/orders-table.js');
        let row: OrderRow;
        if (opts.bot) {
          const { homeFrom } = await import('./home-options.js');
          const home = await homeFrom(cmd.opts(), env);
          const { requireBot } = await import('../src/bot/status.js');
          const { botPaths } = await import('../src/store/bot-paths.js');
          const { readStateDoc } = await import('../src/store/read-state.js');
          const { botOrders, withExchangeStatus } = await import('../src/orders/list-orders.js');
          await requireBot(home, opts.bot);
          const doc = await readStateDoc(botPaths(home, opts.bot).state);
          const o = doc ? botOrders(doc, 'all').find((x) => x.clientOrderId === id) : undefined;
          if (!o || !doc) throw new UsageError(`bot ${opts.bot} has no order ${id} in its state (finished orders are kept for a week)`);
          row = orderRow(o, `bot ${opts.bot}`);
          if (!opts.offline && doc.bot.mode === 'live') {
            const { cfg } = await exchangeConfig(cmd, env);
            const { openAccount } = await import('../src/orders/place-orders.js');
            [row] = await withExchangeStatus(await openAccount({ ...cfg, exchange: { ...cfg.exchange, id: cfg.exchange.id ?? doc.bot.exchange, apiUrl: cfg.exchange.apiUrl ?? doc.bot.apiUrl } }, env.env), [row]);
          }
        } else {
          if (opts.offline) throw new UsageError('--offline needs --bot: without it the order is looked up on the exchange');
          const { cfg, home } = await exchangeConfig(cmd, env);
          const { openAccount } = await import('../src/orders/place-orders.js');
          const { manualIntents } = await import('../src/orders/manual-book.js');
          const { botNames } = await import('../src/bot/status.js');
          const symbol = opts.pair ?? (await manualIntents(home)).get(id)?.symbol ?? (cfg.pair && !cfg.pair.includes(',') ? cfg.pair : undefined);
          if (!symbol) throw new UsageError(`which market is order ${id} on? give --pair`);
          const port = await openAccount(cfg, env.env);
          const o = await port.fetchOrder(id, symbol);
          if (!o) throw new UsageError(`no order ${id} on ${cfg.exchange.id} ${symbol}: neither this home's manual orders nor the exchange know it`);
          row = orderRow(o, ownerOf(id, await botNames(home)));
        }
        env.stdout.write(opts.json ? `${JSON.stringify({ schemaVersion: 1, order: row }, null, 2)}\n` : renderOrderDetail(row));
      }),
  );

  orders.addCommand(
    addExchangeOptions(new Command('create').description('Place an order on the exchange (journaled first)'))
      .requiredOption('--pair <symbol>', 'market, e.g. BTC/USDT')
      .requiredOption('--side <side>', 'buy or sell')
      .requiredOption('--type <type>', 'market or limit')
      .requiredOption('--amount <qty>', 'quantity of the base currency')
      .option('--price <price>', 'limit price (limit orders)')
      .option('--stop <price>', 'stop (trigger) price: a stop-market order, or stop-limit with --type limit')
      .option('--bot <name>', "through a stopped live bot: its ids, journal and ledger")
      .option('--yes', 'confirm without a prompt (required when not on a terminal)', false)
      .option('--json', 'print {schemaVersion, bot, order, notes}', false)
      .addHelpText('after', GUARD)
      .action(async (opts: BotOpt & { pair: string; side: string; type: string; amount: string; price?: string; stop?: string }, cmd: Command) => {
        requireConfirmable(env, opts.yes === true, 'send an order');
        const { createOrder } = await import('../src/orders/place-orders.js');
        const out = await createOrder(await context(cmd, env, opts), { pair: opts.pair, side: opts.side, type: opts.type, amount: opts.amount, ...(opts.price !== undefined ? { price: opts.price } : {}), ...(opts.stop !== undefined ? { stop: opts.stop } : {}) });
        printOutcome(env, out, opts.json);
      }),
  );

  orders.addCommand(
    addExchangeOptions(new Command('cancel').description('Cancel an order, or --all of this home\'s manual orders (or a bot\'s with --bot) on a pair').argument('[id]', 'client order id'))
      .option('--all', 'every open manual order (tbm-N) on --pair; with --bot, every open order of the bot on --pair', false)
      .option('--pair <symbol>', 'the market (required with --all)')
      .option('--bot <name>', "a stopped live bot's order: applied to its journal and state")
      .option('--yes', 'confirm without a prompt (required when not on a terminal)', false)
      .option('--json', 'print {schemaVersion, bot, orders} (each order as it is after the cancel)', false)
      .addHelpText(
        'after',
        `\nWithout --bot, ID must be one of this home's manual orders (tbm-N); a bot's order is cancelled
with --bot NAME, and an order tradebot did not create is never touched (exit 2, nothing sent).
--all never touches orders that tradebot did not create, nor other bots' orders.\n${GUARD}`,
      )
      .action(async (id: string | undefined, opts: BotOpt & { all: boolean; pair?: string }, cmd: Command) => {
        if ((id !== undefined) === opts.all) throw new UsageError(opts.all ? 'give an order id or --all, not both' : 'which order? give its client id, or --all --pair P');
        if (opts.all && !opts.pair) throw new UsageError('--all needs --pair');
        requireConfirmable(env, opts.yes === true, 'cancel orders');
        const { cancelOrders } = await import('../src/orders/place-orders.js');
        const out = await cancelOrders(await context(cmd, env, opts), { ...(id !== undefined ? { id } : {}), all: opts.all, ...(opts.pair ? { pair: opts.pair } : {}) });
        printOutcome(env, out, opts.json);
      }),
  );

  orders.addCommand(
    addExchangeOptions(new Command('amend').description("Change an open order's price (and amount): the exchange's edit where it has one, else cancel and replace").argument('<id>', 'client order id'))
      .requiredOption('--price <price>', 'the new limit price (the stop price of a stop-market order)')
      .option('--amount <qty>', 'the new quantity (default: what is left of the order)')
      .option('--pair <symbol>', 'the market of the order (found in the manual journal when omitted)')
      .option('--bot <name>', "a stopped live bot's order: applied to its journal and state")
      .option('--yes', 'confirm without a prompt (required when not on a terminal)', false)
      .option('--json', 'print {schemaVersion, bot, method: edit|cancel-replace, old, new}', false)
      .addHelpText(
        'after',
        `\nThe replacement is a new order with its own client id; the output says whether the exchange's
edit (ccxt editOrder) or a cancel followed by a new order was used: the edit where the exchange
has one, the cancel and new order where it has none or refuses it as not supported. Without
--bot, ID must be one of this home's manual orders (tbm-N).\n${GUARD}`,
      )
      .action(async (id: string, opts: BotOpt & { price: string; amount?: string; pair?: string }, cmd: Command) => {
        requireConfirmable(env, opts.yes === true, 'amend an order');
        const { amendOrder } = await import('../src/orders/place-orders.js');
        const out = await amendOrder(await context(cmd, env, opts), { id, price: opts.price, ...(opts.amount !== undefined ? { amount: opts.amount } : {}), ...(opts.pair ? { pair: opts.pair } : {}) });
        printOutcome(env, out, opts.json);
      }),
  );
  for (const c of orders.commands) c.exitOverride().configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  return orders.exitOverride();
}
