import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Dec, type Dec as Decimal } from '../core/money.js';
import { UsageError, StateError } from '../core/errors.js';
import { formatStake } from '../core/sizing.js';
import { tradingSettings } from '../engine-settings.js';
import { OrderIds, idPrefixFor } from '../core/ids.js';
import { timeframeToMs } from '../core/timeframe.js';
import type { MarketInfo } from '../core/market.js';
import type { ConfigInput, TradebotConfig } from '../config/schema.js';
import { resolveHome } from '../config/home.js';
import { didYouMean, editDistance } from '../config/did-you-mean.js';
import { indicators } from '../indicators/index.js';
import type { SimExchange } from '../exchange/sim-exchange.js';
import { composeBot } from '../compose.js';
import { CcxtCandleFeed } from '../data/ccxt-feed.js';
import type { Engine, EngineSnapshot } from '../engine/engine.js';
import { FileStore } from '../store/file-store.js';
import { STATE_SCHEMA_VERSION, type BotIdentity, type BotMode, type BotRuntime, type BotStateDoc } from '../store/bot-state.js';
import { botPaths } from '../store/bot-paths.js';
import { futureBarProblem } from '../store/state-meaning.js';
import { loadCredentials } from './credentials.js';
import { maskKey } from '../secrets.js';
import { externalHoldings, intentsAfterSnapshot, journalFillsOnce, recoverLive } from './recover-live.js';
import { liveBudget, shiftEquityMarks } from './live-capital.js';
import { releaseAllocation } from './allocations.js';
import { START_RETRY, withReadRetries, type ReadRetry } from '../exchange/read-retry.js';
import { connectExchange } from './live-exchange.js';
import { BotSession } from './session.js';
import { checkSameOwner, describeSettings, parseBalances, settleSettings } from './bot-settings.js';
import { strategyNeeds } from '../strategies/strategy-needs.js';
import { recordRefusedStart } from './refused-start.js';
import { readControl, type ControlRequest } from './control.js';
import { BotEvents } from './bot-events.js';
import { checkHealth, DEFAULT_MAX_AGE_MS, type Health } from './health-check.js';
import type { RunningNotify } from '../notify/start-notify.js';
import type { BotMetrics, BotReadings } from '../metrics/bot-metrics.js';
import { roundTripPnl } from '../core/portfolio.js';
import { CandleRecorder, recordBeforeCheckpoint } from './candle-record.js';
import { VERSION } from '../version.js';
import { mergeConfig, resolveConfig } from '../config/load-config.js';
import { checkSignalSettings, openBotSignals, storedSignalSettings } from '../signals/open-signals.js';
import { shadowDefaults } from '../signals/shadow-defaults.js';
import type { SignalRunner } from '../signals/signal-runner.js';

/** how often a running bot reloads the exchange's market rules */
const MARKET_RELOAD_MS = 30 * 60_000;

export interface BotEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** one-line progress for a person (stderr) */
  say?: (line: string) => void;
}

export interface BotRunOptions {
  bot: string;
  mode: BotMode;
  /** how the process was started, recorded with the lock */
  command: string;
  /** live: accept the exchange's view of any drift found at start (orders, balances) */
  adopt?: boolean;
  /** live: --budget (or --cash), the budget of a new bot (default: all the account has free) */
  budget?: string;
  /** the flag the budget was given as, for messages */
  budgetFlag?: string;
  /** live: asked with the summary of what is about to trade real money; false refuses */
  confirm?: (summary: string[]) => Promise<boolean>;
  /**
   * The settings this start was given (command line and config file, without defaults). A resumed
   * bot keeps its stored settings: these are checked against them (src/bot/bot-settings.ts).
   */
  given: ConfigInput;
  /** accept given settings that differ from the stored ones */
  reconfigure?: boolean;
}

/**
 * A bot: the one engine with live candles from the exchange (ccxt) and durable JSON state.
 * Paper: fills come from the simulated exchange fed by those candles. Live: orders go to the
 * exchange through ccxt, journaled first, reconciled at start. Runs until stopped (signal or
 * `tradebot stop`); returns the exit code.
 */
export async function runBot(cfgGiven: TradebotConfig, o: BotRunOptions, env: BotEnv): Promise<number> {
  const mode = o.mode;
  const home = resolveHome({ configHome: cfgGiven.home, env: env.env, cwd: env.cwd });
  // a shadow takes its exchange, pairs, timeframe and signal strategy from the bot it follows
  let given = o.given;
  let cfgAsked = cfgGiven;
  const shadowOf = given.signals?.shadow;
  if (typeof shadowOf === 'string' && mode === 'paper') {
    given = mergeConfig((await shadowDefaults(home, o.bot, shadowOf)).defaults, given);
    cfgAsked = resolveConfig(given);
  }
  const paths = botPaths(home, o.bot);
  const now = () => Date.now();

  // ---- take the bot's state: the lock, then the state file (an existing bot's settings decide)
  let session: BotSession;
  try {
    session = await BotSession.open({ home, name: o.bot, command: o.command, now: now(), ...(env.env.TRADEBOT_CRASH_AT ? { crashSpec: env.env.TRADEBOT_CRASH_AT } : {}) });
  } catch (err) {
    await recordRefusedStart({ paths, err, command: o.command, time: now() });
    throw err;
  }
  if (session.lock.tookOverFrom) {
    const t = session.lock.tookOverFrom;
    env.say?.(`took over the lock of pid ${t.pid} (${t.command}), which is no longer running`);
  }
  let exitCode = 0;
  const events = new BotEvents(session.log, now);
  const removers: (() => void)[] = [];
  // a signal during start-up still ends the bot cleanly: state written, lock released
  let stopped: { code: number; why: string } | null = null;
  const onStop: (() => void)[] = [];
  const stop = (code: number, why: string) => {
    if (stopped) return;
    stopped = { code, why };
    exitCode = code;
    for (const f of onStop) f();
  };
  const onInt = () => stop(130, 'SIGINT');
  const onTerm = () => stop(0, 'SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  removers.push(() => process.off('SIGINT', onInt), () => process.off('SIGTERM', onTerm));
  // set once the bot's state is first written: before that, a failed start leaves nothing behind
  let committed = false;
  let released = false;
  let notify: RunningNotify | null = null;
  let metrics: BotMetrics | null = null;
  let closeMetrics: (() => Promise<void>) | null = null;
  let signals: SignalRunner | null = null;
  try {
    const prev = session.existing;
    // ---- the settings: a resumed bot's stored ones, checked against what this start gives
    const settled = await settleSettings(prev, cfgAsked, given, { mode, reconfigure: o.reconfigure === true, cwd: env.cwd });
    const cfg = settled.cfg;
    const def = settled.strategy;
    const params = settled.params;
    // ---- validate everything before touching the network
    if (!cfg.exchange.id) throw new UsageError(`${mode} trading needs an exchange: --exchange ID (or exchange.id in the config)`);
    if (!cfg.pair) throw new UsageError(`${mode} trading needs --pair (e.g. BTC/USDT, or several: BTC/USDT,ETH/USDT)`);
    if (!cfg.timeframe) throw new UsageError(`${mode} trading needs --timeframe (e.g. 1m)`);
    const pairs = cfg.pair.split(',').map((p) => p.trim());
    const tfMs = timeframeToMs(cfg.timeframe);
    const trading = tradingSettings(cfg);
    const { stake, feeRate: fee } = trading;
    const quotes = new Set(pairs.map((p) => p.split('/')[1]));
    if (quotes.size !== 1) throw new UsageError(`all pairs of a bot must share one quote currency, got ${[...quotes].join(', ')}`);
    const quote = [...quotes][0]!;
    const paperBalances = mode === 'paper' ? parseBalances(cfg.paper.balances ?? cfg.cash, quote) : {};
    const traded = [quote, ...pairs.map((p) => p.split('/')[0]!)];
    for (const cur of Object.keys(paperBalances)) {
      if (!traded.includes(cur)) throw new UsageError(`--cash ${cur}: bot ${o.bot} trades only ${traded.join(', ')}`);
    }
    if (mode === 'live' && trading.protection && (trading.protection.trailingStop !== undefined || (trading.protection.stopLoss !== undefined && trading.protection.takeProfit !== undefined))) {
      throw new UsageError('live trading places one protective exit per entry on the exchange: use a stop-loss or a take-profit, not both, and no trailing stop');
    }
    if (mode === 'live' && trading.positions?.breakevenAfter !== undefined && trading.protection?.takeProfit !== undefined) {
      throw new UsageError('live trading keeps one protective exit per position on the exchange: --breakeven-after places a stop, which cannot rest beside --take-profit; drop one of them');
    }
    const needs = strategyNeeds(def, params, tfMs);
    checkSignalSettings(def, cfg, given, mode);
    // ---- a signal strategy's alerts or service: its secret and its record are checked before the network
    let persistSignals: () => void = () => undefined;
    signals = await openBotSignals({
      def,
      cfg,
      mode,
      home,
      name: o.bot,
      pairs,
      timeframe: cfg.timeframe,
      timeframeMs: tfMs,
      stake,
      lastBarTime: pairs.map((_, k) => prev?.engine?.lastBarTime[k] ?? null),
      env: env.env,
      now,
      log: (level, event, fields) => void session.log.write(now(), level, event, fields),
      onChange: () => persistSignals(),
      onAccepted: () => session.crash.hit('after-alert'),
      before: prev?.runtime.signals ?? null,
    });

    // keys are read in live mode only, and before anything else touches the exchange
    const creds = mode === 'live' ? await loadCredentials({ env: env.env, secretsFile: cfg.secretsFile }) : null;
    const account = creds ? maskKey(creds.apiKey) : 'paper';
    if (prev) checkSameOwner(prev, { mode, account }, session.paths.state);
    const described = describeSettings(settled, { mode, name: o.bot, resumed: prev !== null, ...(creds ? { account } : {}) });
    // live shows them with its confirmation
    if (mode === 'paper') for (const line of described) env.say?.(line);

    const journal = await intentsAfterSnapshot(session.paths.journal, idPrefixFor(o.bot), prev?.engine?.idSequence ?? 0);
    const journaledSeq = journal.maxSeq;
    if (journal.torn) void session.log.write(now(), 'warn', 'journal-torn-tail', { path: session.paths.journal });
    const identity: BotIdentity = {
      id: prev?.bot.id ?? randomBytes(8).toString('hex'),
      name: o.bot,
      mode,
      exchange: cfg.exchange.id,
      apiUrl: cfg.exchange.apiUrl,
      sandbox: cfg.exchange.sandbox,
      account,
      strategy: { name: def.name, source: settled.source, params },
      pairs,
      timeframe: cfg.timeframe,
      quote,
      createdAt: prev?.bot.createdAt ?? now(),
      warmup: prev?.bot.warmup ?? null,
    };

    // ---- notifications and Telegram commands (before anything is told: the start, a reconciliation)
    if (cfg.notify.telegram.chatIds.length > 0 || cfg.notify.webhook.url !== null) {
      const { startNotify } = await import('../notify/start-notify.js');
      notify = await startNotify({
        cfg: cfg.notify,
        env: env.env,
        secretsFile: cfg.secretsFile,
        home,
        bot: { name: o.bot, dir: session.paths.dir, mode, quote },
        events,
        log: session.log,
        now,
        onDelivery: (channel, ok) => metrics?.onDelivery(channel, ok),
      });
    }

    // ---- the exchange (paper: public data only, no keys); a passing failure at start is asked again
    const retry: ReadRetry = {
      ...START_RETRY,
      onRetry: (err, attempt, waitMs) => {
        env.say?.(`the exchange failed (${err.message}); asking again in ${(waitMs / 1000).toFixed(1)} s (${attempt} of ${START_RETRY.attempts - 1})`);
        void session.log.write(now(), 'warn', 'start-retry', { message: err.message, attempt, waitMs: Math.round(waitMs) });
      },
    };
    const { ex, port } = await connectExchange(cfg, creds, { retry });
    const markets: MarketInfo[] = pairs.map((p) => port.market(p) ?? unknownPair(p, ex.symbols ?? [], cfg.exchange.id!));
    const tfs = Object.keys(ex.timeframes ?? {});
    if (tfs.length > 0 && !tfs.includes(cfg.timeframe)) throw new UsageError(`${cfg.exchange.id} has no ${cfg.timeframe} candles; supported: ${tfs.join(', ')}`);
    if (prev) {
      const future = futureBarProblem(prev, await exchangeTime(ex));
      if (future) throw new StateError(`state file ${session.paths.state} is invalid: ${future}`);
    }

    // live: the bot's ledger is its budget (fixed at creation) and its own fills; the rest of the account is external
    const currencies = [quote, ...markets.map((m) => m.base)];
    const budget =
      mode === 'live'
        ? await liveBudget({ bot: o.bot, quote, stored: prev?.settings.cash ?? null, requested: o.budget, ...(o.budgetFlag ? { flag: o.budgetFlag } : {}), home, account: `${cfg.exchange.id}${cfg.exchange.sandbox ? ' sandbox' : ''} ${account}`, now: now(), freeQuote: async () => (await port.fetchBalances())[quote]?.free ?? new Dec(0) })
        : null;
    const balances: Record<string, Decimal> = budget ? budget.balances : paperBalances;

    if (mode === 'live') {
      // the settings as stored or asked, with the budget the bot's ledger starts from
      const summary = [...described.slice(0, 4), budget!.summary, ...described.slice(4)];
      if (!o.confirm || !(await o.confirm(summary))) {
        if (!prev) await releaseAllocation(home, o.bot); // a bot never created holds no budget
        throw new UsageError('live trading not confirmed: nothing was sent');
      }
    }

    const simOptions = { markets, balances: paperBalances, feeRate: fee, slippageBps: cfg.slippage, historyLimit: 1000 };
    let sim: SimExchange | null = null;

    let persistRuntime: () => void = () => undefined;
    // ---- live candles: history for the warm-up, then polling
    let wake: (() => void) | null = null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => ((wake = null), resolve()), ms);
        wake = () => (clearTimeout(t), (wake = null), resolve());
      });
    const runtime: BotRuntime = {
      status: 'starting',
      pid: process.pid,
      host: hostname(),
      command: o.command,
      startedAt: now(),
      stoppedAt: null,
      heartbeat: now(),
      lastDecision: prev?.runtime.lastDecision ?? null,
      lastError: null,
      equity: prev?.runtime.equity ?? null,
      ack: prev?.runtime.ack ?? null,
      prices: prev?.runtime.prices ?? {},
      degraded: null,
      external: prev?.runtime.external ?? null,
    };
    const feed = new CcxtCandleFeed({
      exchange: ex,
      symbols: pairs,
      timeframe: cfg.timeframe,
      timeframeMs: tfMs,
      warmupBars: cfg.paper.warmup,
      resumeAfter: pairs.map((_, k) => prev?.engine?.lastBarTime[k] ?? null),
      historyFrom: prev?.bot.warmup?.from ?? null,
      pollMs: cfg.paper.poll,
      sleep,
      onTrouble: (err) => {
        const was = runtime.degraded;
        runtime.degraded = err ? { since: runtime.degraded?.since ?? now(), message: err.message } : null;
        if (err) events.emit({ kind: 'feed-degraded', time: now(), message: err.message });
        else if (was) events.emit({ kind: 'feed-recovered', time: now() });
        // no candle arrives while the exchange fails, so no checkpoint either: write it for status
        persistRuntime();
      },
    });
    await withReadRetries(() => feed.start(), retry);
    if (!identity.warmup) identity.warmup = { from: Math.min(...feed.series.map((s) => (s.length > 0 ? s.time[0]! : Infinity))), until: feed.historyEnd };

    const settings = {
      quote,
      initialBalances: balances,
      ...trading,
      maxEntries: trading.maxEntries ?? needs.maxEntries,
      ids: new OrderIds(idPrefixFor(o.bot), Math.max(prev?.engine?.idSequence ?? 0, journaledSeq)),
      onStrategyError: 'halt' as const,
      // a new bot decides from the first candle that closes after it started; a resumed one
      // catches up on every candle after the last one it handled (and never trades its warm-up)
      warmupUntil: prev?.bot.warmup?.until ?? feed.historyEnd,
      // live: what a position leaves behind too small to sell is not the bot's to count (external)
      dustLeavesLedger: mode === 'live',
    };
    const tools = { indicators, ...(signals ? { signals: signals.tools } : {}) };
    const instruments = pairs.map((symbol, k) => ({ symbol, market: markets[k]!, strategy: def.create(params, tools) }));

    let engine!: Engine;
    let lastBar = Math.max(...(prev?.engine?.lastBarTime ?? []).map((t) => t ?? -Infinity), -Infinity);
    const build = (snap: unknown): BotStateDoc => {
      runtime.heartbeat = now();
      const bar = Math.max(...engine.lastBarTime);
      if (bar > lastBar) {
        lastBar = bar;
        runtime.lastCandleAt = now();
      }
      runtime.lastDecision = engine.decisions.at(-1) ?? runtime.lastDecision;
      pairs.forEach((p, k) => {
        const px = engine.lastPrice(k);
        if (Number.isFinite(px)) runtime.prices[p] = px;
      });
      const eq = engine.portfolio.equity(runtime.prices, markets);
      const day = Math.floor(now() / 86_400_000);
      const e = runtime.equity;
      runtime.equity = {
        start: e?.start ?? eq.toFixed(),
        dayStart: e && e.day === day ? e.dayStart : eq.toFixed(),
        day,
        last: eq.toFixed(),
        lastTime: now(),
      };
      if (engine.risk.halt && runtime.status === 'running') runtime.status = 'halted';
      const h = engine.health;
      const fin = (x: number) => (Number.isFinite(x) && x > now() ? x : null);
      runtime.health = { blockedUntil: fin(h.blockedUntil), reason: h.reason, failures: h.failures, breakerOpenUntil: fin(h.breakerUntil) };
      if (signals) runtime.signals = signals.runtime();
      return {
        schemaVersion: STATE_SCHEMA_VERSION,
        writtenBy: VERSION,
        // counted by the state file itself (src/store/bot-state-file.ts)
        generation: 0,
        bot: identity,
        settings: {
          cash: Object.fromEntries(Object.entries(balances).map(([k, v]) => [k, v.toFixed()])),
          stake: formatStake(stake),
          fee: fee.toFixed(),
          slippageBps: cfg.slippage,
          risk: Object.fromEntries(Object.entries(cfg.risk).filter(([, v]) => v !== null)),
          warmup: cfg.paper.warmup,
          ...(signals ? { signals: storedSignalSettings(def, cfg) } : {}),
        },
        engine: snap as EngineSnapshot,
        exchange: sim ? sim.snapshot() : null,
        runtime: { ...runtime },
      };
    };
    const store = journalFillsOnce(new FileStore<BotStateDoc | null>(session.journal, session.db, build, session.crash), journal.fills);
    const recorder = await CandleRecorder.open({ botDir: session.paths.dir, exchange: cfg.exchange.id, symbols: pairs, timeframe: cfg.timeframe, markets });
    recordBeforeCheckpoint(store, recorder, feed.series, (err) => void session.log.write(now(), 'warn', 'candle-record-failed', { message: err instanceof Error ? err.message : String(err) }));
    ({ engine, sim } = composeBot({ mode, instruments, settings, feed: signals ? signals.wrapFeed(feed) : feed, store, exchange: port, events, paper: { options: simOptions, snapshot: prev?.exchange ?? null } }));
    persistRuntime = () => void store.checkpoint(() => engine.snapshot()).catch(() => undefined);
    if (prev?.engine) engine.restore(prev.engine);
    signals?.attach(engine);
    let lastBeatAt = now();
    // ---- Prometheus /metrics and /health
    if (cfg.metrics.port !== null) {
      const { BotMetrics } = await import('../metrics/bot-metrics.js');
      const { startMetricsServer } = await import('../metrics/metrics-server.js');
      const readings = (): BotReadings => {
        const prices: Record<string, number> = {};
        pairs.forEach((p, k) => (prices[p] = engine.lastPrice(k)));
        const known = Object.values(prices).every(Number.isFinite);
        let realized = 0;
        for (const rt of engine.portfolio.closed) realized += roundTripPnl(rt).toNumber();
        let unrealized = 0;
        for (const [p, rt] of engine.portfolio.open) if (Number.isFinite(prices[p])) unrealized += roundTripPnl(rt, new Dec(prices[p]!)).toNumber();
        const orders: Record<string, number> = {};
        for (const x of engine.orders.values()) orders[x.status] = (orders[x.status] ?? 0) + 1;
        return {
          equity: known ? engine.portfolio.equity(prices, markets).toNumber() : null,
          realizedPnl: realized,
          unrealizedPnl: unrealized,
          openPositions: engine.portfolio.open.size,
          orders,
          lastCandleAgeSec: runtime.lastCandleAt ? (now() - runtime.lastCandleAt) / 1000 : null,
          heartbeatAgeSec: (now() - lastBeatAt) / 1000,
          paused: engine.isPaused,
          halted: engine.risk.halt !== null,
          notifyQueued: notify?.notifier.queued() ?? 0,
        };
      };
      const health = (): Health => {
        const st = runtime.status;
        if (st !== 'running' && st !== 'paused' && st !== 'halted') return { ok: false, reason: st === 'starting' ? 'starting' : `not running (${st})` };
        return checkHealth({ state: st, error: null, heartbeatAgeMs: now() - lastBeatAt, lastCandleAt: runtime.lastCandleAt ?? null, startedAt: runtime.startedAt, timeframe: cfg.timeframe!, riskHalt: engine.risk.halt, now: now(), maxAgeMs: DEFAULT_MAX_AGE_MS });
      };
      metrics = new BotMetrics({ bot: o.bot, mode, quote }, readings);
      const m = metrics;
      events.on((e) => m.onEvent(e));
      const server = await startMetricsServer({ host: cfg.metrics.host, port: cfg.metrics.port, metrics: m, health });
      closeMetrics = server.close;
      env.say?.(`metrics on ${server.url}/metrics, health on ${server.url}/health`);
      void session.log.write(now(), 'info', 'metrics-listening', { url: server.url });
    }
    if (signals) {
      // an alert's fate is shown by status at once: the runtime part of the last snapshot is
      // rewritten (never a new engine snapshot taken in the middle of a candle)
      let queued: NodeJS.Timeout | null = null;
      const runner = signals;
      persistSignals = () => {
        queued ??= setTimeout(() => {
          queued = null;
          if (!committed) return;
          runtime.signals = runner.runtime();
          void store.save((doc) => {
            if (doc) doc.runtime = { ...doc.runtime, signals: runtime.signals, heartbeat: now() };
          }).catch(() => undefined);
        }, 200);
      };
      removers.push(() => {
        if (queued) clearTimeout(queued);
      });
    }
    if (mode === 'live') {
      const r = await recoverLive({ engine, port, pairs, currencies, prefix: idPrefixFor(o.bot), journalAfterSnapshot: journal.intents, adopt: o.adopt === true, now });
      const external = externalHoldings(r.plan);
      const actions = [...r.plan.safe, ...r.plan.drift].map((a) => a.kind);
      if (actions.length > 0 || r.drift) {
        await events.write({ kind: 'reconciled', time: now(), corrections: r.plan.safe.length, drift: r.drift ? r.plan.drift.length : 0, actions, external });
      }
      if (r.drift) throw new StateError(`bot ${o.bot} differs from the exchange (${r.drift}); nothing was traded: review with tradebot reconcile ${o.bot} --plan, then --apply, or start with --adopt`);
      runtime.external = { time: now(), balances: external };
      runtime.equity = shiftEquityMarks(runtime.equity, r.transferred);
      await store.checkpoint(() => engine.snapshot());
      committed = true;
    }
    // running: a failed read is asked again on the next poll, with the feed's own back-off
    port.retryReads(null);

    // ---- stop, pause, resume: signals (handled from the start) and the control file
    const halt = () => {
      events.emit({ kind: 'stopping', time: now(), why: (stopped as { why: string } | null)?.why ?? null });
      signals?.stop();
      engine.stop();
      feed.stop();
      (wake as (() => void) | null)?.();
    };
    onStop.push(halt);
    if (stopped) halt();

    let lastSeq = runtime.ack?.seq ?? 0;
    // a request made before this process took the lock (a stop that timed out) is not for this run
    const leftover = await readControl(session.paths.control);
    if (leftover && leftover.seq > lastSeq && leftover.time < session.lock.owner.since) {
      lastSeq = leftover.seq;
      await session.log.write(now(), 'warn', 'control-stale-ignored', { command: leftover.command, seq: leftover.seq, requested: leftover.time });
    }
    let afterStop: 'stop-cancel' | 'panic' | null = null;
    const control = setInterval(() => {
      void (async () => {
        const req = await readControl(session.paths.control);
        if (!req || req.seq <= lastSeq) return;
        lastSeq = req.seq;
        if (req.command === 'pause') {
          engine.setPaused(true);
          runtime.status = 'paused';
        } else if (req.command === 'resume') {
          engine.setPaused(false);
          runtime.status = 'running';
        }
        await events.write({ kind: 'control', time: now(), command: req.command, seq: req.seq, by: req.by, ...(req.pair !== undefined ? { pair: req.pair } : {}) });
        if (req.command === 'forceexit') {
          const done = await forceExit(engine, pairs, req);
          runtime.ack = { seq: req.seq, command: req.command, time: now(), detail: done.detail, ok: done.ok };
          await events.write({ kind: 'control-done', time: now(), command: req.command, seq: req.seq, by: req.by, detail: done.detail, ok: done.ok });
          await store.checkpoint(() => engine.snapshot());
          return;
        }
        runtime.ack = { seq: req.seq, command: req.command, time: now() };
        if (req.command === 'stop' || req.command === 'stop-cancel' || req.command === 'panic') {
          afterStop = req.command === 'stop' ? null : req.command;
          stop(0, `tradebot ${req.command === 'panic' ? 'panic' : 'stop'} (${req.by})`);
          return;
        }
        await store.checkpoint(() => engine.snapshot());
      })().catch((err: unknown) => void session.log.write(now(), 'error', 'control-failed', { message: String(err) }));
    }, 500);
    const heartbeat = setInterval(() => {
      lastBeatAt = now();
      void writeFile(session.paths.heartbeat, `${JSON.stringify({ time: now(), pid: process.pid })}\n`).catch(() => undefined);
    }, 1000);
    removers.push(() => clearInterval(control), () => clearInterval(heartbeat));
    // precision and minimums can change while a bot runs: reload them now and then
    const reload = setInterval(() => {
      void port
        .refreshMarkets()
        .then((changed) => (changed.length > 0 ? session.log.write(now(), 'warn', 'market-rules-changed', { symbols: changed }) : undefined))
        .catch((err: unknown) => session.log.write(now(), 'warn', 'market-reload-failed', { message: err instanceof Error ? err.message : String(err) }));
    }, MARKET_RELOAD_MS);
    removers.push(() => clearInterval(reload));

    if (prev?.runtime.status === 'paused') {
      engine.setPaused(true);
      runtime.status = 'paused';
    } else runtime.status = 'running';
    // the listener opens once the bot is about to run: alerts wait in the book for their candle
    await signals?.start();
    await store.checkpoint(() => engine.snapshot());
    committed = true;
    await events.write({ kind: 'started', time: now(), mode, pairs, timeframe: cfg.timeframe!, strategy: def.name, resumed: Boolean(prev?.engine) });
    env.say?.(`${mode} bot ${o.bot} running: ${def.name} on ${pairs.join(', ')} ${cfg.timeframe} (state: ${session.paths.dir})`);

    try {
      await engine.run();
    } catch (err) {
      runtime.status = 'crashed';
      runtime.lastError = { time: now(), message: err instanceof Error ? err.message : String(err) };
      await events.write({ kind: 'crashed', time: now(), message: runtime.lastError.message });
      await store.checkpoint(() => engine.snapshot()).catch(() => undefined);
      throw err;
    }
    signals?.settle();
    await signals?.close();
    if (afterStop) {
      const cancelled = await engine.cancelAll();
      const closed = afterStop === 'panic' ? await engine.closeAll('panic') : 0;
      await events.write({ kind: afterStop, time: now(), cancelled, closed });
    }
    runtime.status = 'stopped';
    runtime.stoppedAt = now();
    runtime.pid = null;
    await store.checkpoint(() => engine.snapshot());
    await events.write({ kind: 'stopped', time: now() });
    return exitCode;
  } catch (err) {
    await closeMetrics?.().catch(() => undefined);
    closeMetrics = null;
    await notify?.close().catch(() => undefined);
    notify = null;
    if (!committed) {
      // a new bot that never ran leaves nothing behind; an existing one keeps a trace of the refusal
      if (session.created) {
        released = true;
        await session.discard();
      } else await recordRefusedStart({ paths, err, command: o.command, time: now(), log: session.log });
    }
    throw err;
  } finally {
    for (const r of removers) r();
    await closeMetrics?.().catch(() => undefined);
    await notify?.close().catch(() => undefined);
    await signals?.close().catch(() => undefined);
    if (!released) await session.close();
  }
}

/**
 * `forceexit PAIR|all` on the running engine, between two batches of candles: the pair's open
 * orders are cancelled (a resting stop holds the coins), then its position is sold at market.
 */
async function forceExit(engine: Engine, pairs: string[], req: ControlRequest): Promise<{ ok: boolean; detail: string }> {
  const asked = req.pair === 'all' ? pairs : pairs.filter((p) => p === req.pair);
  if (asked.length === 0) return { ok: false, detail: `this bot trades ${pairs.join(', ')}, not ${req.pair ?? '(no pair)'}` };
  try {
    return await engine.operate(async () => {
      const sold: string[] = [];
      const failed: string[] = [];
      for (const p of asked) {
        if (!engine.portfolio.open.has(p)) continue;
        await engine.cancelAll(p);
        if (await engine.closePosition(p, 'manual')) sold.push(p);
        else if (engine.portfolio.open.has(p)) failed.push(p);
      }
      if (failed.length > 0) return { ok: false, detail: `could not sell ${failed.join(', ')} (see tradebot logs)${sold.length > 0 ? `; sold ${sold.join(', ')}` : ''}` };
      return { ok: true, detail: sold.length > 0 ? `sold ${sold.join(', ')} at market` : `no open position in ${asked.join(', ')}` };
    });
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** The exchange's clock (a simulator's may run anywhere); this machine's when it cannot be asked. */
async function exchangeTime(ex: { fetchTime(): Promise<number | undefined> }): Promise<number> {
  try {
    return (await ex.fetchTime()) ?? Date.now();
  } catch {
    return Date.now();
  }
}

function unknownPair(pair: string, symbols: string[], exchange: string): never {
  const ranked = symbols
    .map((s) => ({ s, d: editDistance(pair.toUpperCase(), s.toUpperCase(), 4) }))
    .filter((x) => x.d <= 3)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.s);
  const hint = ranked.length > 0 ? `; close matches: ${ranked.join(', ')}` : didYouMean(pair, symbols) ? `; did you mean ${didYouMean(pair, symbols)}?` : '';
  throw new UsageError(`${exchange} has no market ${pair}${hint}`);
}
