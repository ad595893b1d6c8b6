import { Dec, type Dec as Decimal } from '../core/money.js';
import { StateError, UsageError } from '../core/errors.js';
import { OrderIds, idPrefixFor } from '../core/ids.js';
import { parseStake } from '../core/sizing.js';
import type { MarketInfo } from '../core/market.js';
import type { OrderRequest } from '../core/orders.js';
import type { TradebotConfig } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import { composeBot } from '../compose.js';
import type { Feed, Store } from '../engine/ports.js';
import type { CcxtExchange } from '../exchange/ccxt-exchange.js';
import { FileStore } from '../store/file-store.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { VERSION } from '../version.js';
import { maskKey } from '../secrets.js';
import { loadCredentials } from './credentials.js';
import { connectExchange } from './live-exchange.js';
import { intentsAfterSnapshot, journalFillsOnce } from './recover-live.js';
import { BotSession } from './session.js';
import { requireBot } from './status.js';

/** A live bot's state opened for an operator's command while the bot is not running. */
export interface OpenBot {
  session: BotSession;
  doc: BotStateDoc;
  engine: Engine;
  port: CcxtExchange;
  /** the bot's journal and state file; with readOnly, a store that writes nothing */
  store: Store;
  pairs: string[];
  currencies: string[];
  prefix: string;
  /** intents journaled after the last snapshot: their fate is unknown until the exchange is asked */
  journalAfterSnapshot: OrderRequest[];
  close(): Promise<void>;
}

/** A feed with no candles: the operator's commands never run the strategy. */
const NO_FEED: Feed = { series: [], next: async () => null };

/**
 * `tradebot reconcile` and `tradebot orders ... --bot` act on a stopped live bot: take its lock
 * (refused while it runs, naming the owner), load its state, connect with the keys it was
 * created with, and rebuild its engine from the snapshot, with the same journal and state file
 * the bot writes (src/bot/run-bot.ts), so that whatever is done here is journaled before it is
 * sent and the bot resumes from it.
 */
export async function openLiveBot(cfg: TradebotConfig, o: { home: string; name: string; command: string; env: NodeJS.ProcessEnv; readOnly?: boolean }): Promise<OpenBot> {
  await requireBot(o.home, o.name);
  const session = await BotSession.open({ home: o.home, name: o.name, command: o.command, now: Date.now(), ...(o.env.TRADEBOT_CRASH_AT ? { crashSpec: o.env.TRADEBOT_CRASH_AT } : {}) });
  try {
    const doc = session.existing;
    if (!doc?.engine) throw new StateError(`bot ${o.name} has no trading state yet (${session.paths.state}): start it first`);
    if (doc.bot.mode !== 'live') throw new UsageError(`bot ${o.name} is a ${doc.bot.mode} bot: its orders live in its simulated exchange, not on ${doc.bot.exchange}`);
    const creds = await loadCredentials({ env: o.env, secretsFile: cfg.secretsFile });
    const account = maskKey(creds.apiKey);
    if (account !== doc.bot.account) throw new StateError(`bot ${o.name} trades account ${doc.bot.account}, but the keys given are for ${account} (${session.paths.state})`);
    // the bot's own exchange, URL and sandbox: never a default, never the production URL of a bot re-pointed elsewhere
    const exchange = { id: cfg.exchange.id ?? doc.bot.exchange, apiUrl: cfg.exchange.apiUrl ?? doc.bot.apiUrl, sandbox: doc.bot.sandbox ?? cfg.exchange.sandbox };
    if (exchange.id !== doc.bot.exchange) throw new StateError(`bot ${o.name} trades on ${doc.bot.exchange}, not ${exchange.id} (${session.paths.state})`);
    if ((exchange.apiUrl ?? '').replace(/\/+$/, '') !== (doc.bot.apiUrl ?? '').replace(/\/+$/, '')) {
      throw new UsageError(`bot ${o.name} trades at ${doc.bot.apiUrl ?? `${doc.bot.exchange}'s own URL`}, not ${exchange.apiUrl}: leave out --exchange-url`);
    }
    if (cfg.exchange.sandbox && doc.bot.sandbox === false) throw new UsageError(`bot ${o.name} does not trade on ${doc.bot.exchange}'s sandbox: leave out exchange.sandbox`);
    const { port } = await connectExchange({ exchange }, creds);
    const pairs = doc.bot.pairs;
    const markets: MarketInfo[] = pairs.map((p) => {
      const m = port.market(p);
      if (!m) throw new UsageError(`${exchange.id} no longer lists ${p}, a pair of bot ${o.name}`);
      return m;
    });
    const prefix = idPrefixFor(o.name);
    const journal = await intentsAfterSnapshot(session.paths.journal, prefix, doc.engine.idSequence);
    const balances: Record<string, Decimal> = Object.fromEntries(Object.entries(doc.settings.cash).map(([k, v]) => [k, new Dec(v)]));
    // the bot's own journal and state file; everything else in the document stays as the bot wrote it
    const store: Store = o.readOnly
      ? { journal: () => undefined, checkpoint: () => undefined }
      : journalFillsOnce(new FileStore<BotStateDoc | null>(session.journal, session.db, (snap) => ({ ...doc, writtenBy: VERSION, engine: snap as BotStateDoc['engine'] }), session.crash), journal.fills);
    const { engine } = composeBot({
      mode: 'live',
      instruments: markets.map((market) => ({ symbol: market.symbol, market, strategy: { onCandle: () => undefined } })),
      settings: {
        quote: doc.bot.quote,
        initialBalances: balances,
        stake: parseStake(doc.settings.stake),
        feeRate: new Dec(doc.settings.fee),
        limits: { maxOpenPositions: 1 },
        ids: new OrderIds(prefix, Math.max(doc.engine.idSequence, journal.maxSeq)),
        onStrategyError: 'halt',
        dustLeavesLedger: true,
      },
      feed: NO_FEED,
      store,
      exchange: port,
    });
    engine.restore(doc.engine);
    for (const x of engine.openOrders()) port.track(x);
    return {
      session,
      doc,
      engine,
      port,
      store,
      pairs,
      currencies: [doc.bot.quote, ...markets.map((m) => m.base)],
      prefix,
      journalAfterSnapshot: journal.intents,
      close: () => session.close(),
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}
