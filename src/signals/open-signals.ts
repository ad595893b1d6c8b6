import { isAbsolute, resolve } from 'node:path';
import type { CandleSeries } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import type { Stake } from '../core/sizing.js';
import type { ConfigInput, TradebotConfig } from '../config/schema.js';
import type { StrategyDefinition } from '../strategies/types.js';
import { BUILT_IN_STRATEGIES } from '../strategies/registry.js';
import type { BotMode, StoredSignalSettings } from '../store/bot-state.js';
import { botPaths } from '../store/bot-paths.js';
import { readStateDoc } from '../store/read-state.js';
import { didYouMean } from '../config/did-you-mean.js';
import { AlertRunner } from './alert-runner.js';
import { ServiceRunner } from './service-runner.js';
import { loadSignalSecret, requireWebhookSecret } from './signal-secrets.js';
import type { SignalLog, SignalRunner } from './signal-runner.js';
import type { SignalRuntime } from './signal-runtime.js';
import { SIGNAL_STRATEGY_NAMES } from './signal-strategy-names.js';
import { TickerMap } from './ticker-map.js';
import { parseListen } from './webhook-server.js';

/**
 * The one place that decides what a signal strategy needs in a mode, and refuses (exit 2, before
 * any network) what makes no sense: a webhook backtest without --signals-file, an http-signal run
 * without --signal-url, --listen for a strategy that listens to nothing.
 */
export function checkSignalSettings(def: StrategyDefinition, cfg: TradebotConfig, given: ConfigInput | null, mode: BotMode | 'backtest'): void {
  const s = cfg.signals;
  const g = given?.signals ?? {};
  const name = def.name;
  if (name !== 'webhook' && g.listen !== undefined) throw new UsageError(`--listen is for the webhook strategy, not ${name}`);
  if (name !== 'webhook' && g.file !== undefined && g.file !== null) throw new UsageError(`--signals-file is for the webhook strategy, not ${name}`);
  if (name !== 'http-signal' && g.url !== undefined && g.url !== null) throw new UsageError(`--signal-url is for the http-signal strategy, not ${name}`);
  if (s.shadow !== null && mode !== 'paper') throw new UsageError(`signals.shadow (--shadow) is for paper bots: a ${mode} run follows no other bot`);
  if (s.shadow !== null && !SIGNAL_STRATEGY_NAMES.includes(name)) throw new UsageError(`--shadow follows another bot's signals: it goes with the webhook or http-signal strategy, not ${name}`);
  if (name === 'webhook') {
    if (mode === 'backtest' && s.file === null) throw new UsageError('a webhook backtest replays recorded alerts: --signals-file FILE (a bot records its own in <home>/bots/NAME/alerts.jsonl)');
    if (mode !== 'backtest') parseListen(s.listen);
  }
  if (name === 'http-signal' && s.url === null) throw new UsageError('the http-signal strategy needs its service: --signal-url URL (or signals.url in the config)');
  if (name === 'http-signal') fallbackStrategy(s.fallback);
}

/** The fallback of http-signal: a built-in strategy that decides by itself. */
export function fallbackStrategy(name: string | null): StrategyDefinition | null {
  if (name === null) return null;
  const own = BUILT_IN_STRATEGIES.filter((d) => !SIGNAL_STRATEGY_NAMES.includes(d.name));
  const def = own.find((d) => d.name === name);
  if (!def) {
    const hint = didYouMean(name, own.map((d) => d.name));
    throw new UsageError(`signals.fallback ${JSON.stringify(name)} is not a built-in strategy that decides by itself${hint ? ` (did you mean ${hint}?)` : ''}; available: ${own.map((d) => d.name).join(', ')}`);
  }
  return def;
}

/** A shadow follows a bot that runs the same signal strategy: its alerts, or its service. */
async function checkShadowed(home: string, liveName: string, strategy: string): Promise<void> {
  const doc = await readStateDoc(botPaths(home, liveName).state);
  if (!doc) throw new UsageError(`--shadow ${liveName}: no bot named ${liveName} in ${home}`);
  if (doc.bot.strategy.name !== strategy) throw new UsageError(`--shadow ${liveName}: it runs ${doc.bot.strategy.name}, this bot ${strategy}: a shadow runs the strategy of the bot it follows`);
}

/** What a signal bot stores of its settings (null for the other strategies). */
export function storedSignalSettings(def: StrategyDefinition, cfg: TradebotConfig): StoredSignalSettings | null {
  if (!SIGNAL_STRATEGY_NAMES.includes(def.name)) return null;
  const { file: _file, ...kept } = cfg.signals;
  return kept;
}

export async function openBacktestSignals(o: {
  def: StrategyDefinition;
  cfg: TradebotConfig;
  series: CandleSeries;
  pair: string;
  timeframe: string;
  stake: Stake;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<SignalRunner | null> {
  const s = o.cfg.signals;
  if (o.def.name === 'webhook') {
    const file = s.file!;
    return AlertRunner.fromFile({
      file: isAbsolute(file) ? file : resolve(o.cwd, file),
      shownAs: file,
      pairs: [o.pair],
      timeframeMs: o.series.timeframeMs,
      stake: o.stake,
      tickers: new TickerMap([o.pair], s.tickers),
      series: o.series,
      warmup: o.cfg.backtest.warmup,
    });
  }
  if (o.def.name === 'http-signal') {
    return new ServiceRunner({
      url: s.url!,
      token: await loadSignalSecret('token', { env: o.env, secretsFile: o.cfg.secretsFile }),
      pairs: [o.pair],
      timeframe: o.timeframe,
      timeframeMs: o.series.timeframeMs,
      timeoutMs: s.timeout,
      cacheTtlMs: s.cacheTtl,
      minConfidence: s.minConfidence,
      candles: s.candles,
      fallback: fallbackStrategy(s.fallback),
      shadowOf: null,
      log: () => undefined,
      onChange: () => undefined,
      before: null,
    });
  }
  return null;
}

export async function openBotSignals(o: {
  def: StrategyDefinition;
  cfg: TradebotConfig;
  mode: BotMode;
  home: string;
  name: string;
  pairs: string[];
  timeframe: string;
  timeframeMs: number;
  stake: Stake;
  lastBarTime: (number | null)[];
  env: NodeJS.ProcessEnv;
  now: () => number;
  log: SignalLog;
  onChange: () => void;
  onAccepted?: () => void;
  /** the counts of the bot's earlier runs: status counts over the bot's life */
  before: SignalRuntime | null;
}): Promise<SignalRunner | null> {
  const s = o.cfg.signals;
  const shadowOf = o.mode === 'paper' ? s.shadow : null;
  if (shadowOf !== null) await checkShadowed(o.home, shadowOf, o.def.name);
  if (o.def.name === 'webhook') {
    return AlertRunner.forBot({
      alertsPath: botPaths(o.home, o.name).alerts,
      pairs: o.pairs,
      timeframeMs: o.timeframeMs,
      stake: o.stake,
      tickers: new TickerMap(o.pairs, s.tickers),
      // a shadow listens to nobody: it follows the alerts its live bot accepted
      secret: shadowOf === null ? await requireWebhookSecret({ env: o.env, secretsFile: o.cfg.secretsFile }) : null,
      maxLagMs: s.maxLag,
      rateLimit: s.rateLimit,
      listen: s.listen,
      shadow: shadowOf === null ? null : { of: shadowOf, alertsPath: botPaths(o.home, shadowOf).alerts },
      lastBarTime: o.lastBarTime,
      now: o.now,
      log: o.log,
      onChange: o.onChange,
      ...(o.onAccepted ? { onAccepted: o.onAccepted } : {}),
      before: o.before,
    });
  }
  if (o.def.name === 'http-signal') {
    return new ServiceRunner({
      url: s.url!,
      token: await loadSignalSecret('token', { env: o.env, secretsFile: o.cfg.secretsFile }),
      pairs: o.pairs,
      timeframe: o.timeframe,
      timeframeMs: o.timeframeMs,
      timeoutMs: s.timeout,
      cacheTtlMs: s.cacheTtl,
      minConfidence: s.minConfidence,
      candles: s.candles,
      fallback: fallbackStrategy(s.fallback),
      shadowOf,
      log: o.log,
      onChange: o.onChange,
      before: o.before,
    });
  }
  return null;
}
