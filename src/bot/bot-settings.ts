import { Dec, parseDecimal, type Dec as Decimal } from '../core/money.js';
import { StateError, UsageError } from '../core/errors.js';
import { formatStake, parseStake } from '../core/sizing.js';
import { CONFIG_DEFAULTS, type ConfigInput, type RiskConfig, type SignalsConfig, type TradebotConfig } from '../config/schema.js';
import { loadStrategy, strategySource } from '../strategies/registry.js';
import { resolveParams } from '../strategies/params.js';
import type { ParamValues, StrategyDefinition } from '../strategies/types.js';
import type { BotMode, BotStateDoc } from '../store/bot-state.js';
import { shownUrl } from '../signals/signal-runtime.js';

/**
 * A bot is what it was created as. On resume every setting it stored is used again: a setting the
 * start does not give (on the command line or in the config file) is the stored one, never a
 * default; one given with another value is refused (exit 2), naming both values, unless the
 * start says --reconfigure. Exchange, pairs and timeframe never change (exit 5, like another mode
 * or account): the bot's positions, orders and candles belong to them. (RELIABILITY row 27: a bot restarted without --exchange-url must not go
 * to the exchange's production URL.)
 */

/** A setting that differs between the state file and the start. */
export interface SettingChange {
  key: string;
  stored: string;
  asked: string;
}

export interface SettledBot {
  /** the configuration to run with: the stored settings, and what the start changed */
  cfg: TradebotConfig;
  strategy: StrategyDefinition;
  /** the strategy file or built-in name it is loaded from (see strategySource) */
  source: string;
  params: ParamValues;
  /** what --reconfigure changed (empty for a new bot and a plain resume) */
  changes: SettingChange[];
}

type Kind = 'text' | 'decimal' | 'stake' | 'number' | 'balances';

interface Kept {
  key: string;
  kind: Kind;
  /** an exchange, a pair, a timeframe: not even --reconfigure changes them */
  fixed?: boolean;
  /** the modes whose bots keep it: a live bot's balances come from the exchange */
  modes?: BotMode[];
  /** the value the start gives, in the config's form; undefined when it gives none */
  asked(g: ConfigInput, quote: string): unknown;
  /** the value the bot stored, in the config's form; undefined when it was not recorded */
  stored(doc: BotStateDoc): unknown;
  /** put the stored value into the config */
  apply(cfg: TradebotConfig, v: unknown): void;
}

const RISK_KEYS = Object.keys(CONFIG_DEFAULTS.risk) as (keyof RiskConfig)[];
/** a signal bot's own settings; `file` is for backtests only */
const SIGNAL_KEYS = (Object.keys(CONFIG_DEFAULTS.signals) as (keyof SignalsConfig)[]).filter((k) => k !== 'file');

const KEPT: Kept[] = [
  { key: 'exchange', kind: 'text', fixed: true, asked: (g) => g.exchange?.id, stored: (d) => d.bot.exchange, apply: (c, v) => (c.exchange.id = v as string) },
  { key: 'pair', kind: 'text', fixed: true, asked: (g) => pairsOf(g.pair), stored: (d) => d.bot.pairs.join(','), apply: (c, v) => (c.pair = v as string) },
  { key: 'timeframe', kind: 'text', fixed: true, asked: (g) => g.timeframe, stored: (d) => d.bot.timeframe, apply: (c, v) => (c.timeframe = v as string) },
  { key: 'exchange.apiUrl', kind: 'text', asked: (g) => urlOf(g.exchange?.apiUrl), stored: (d) => urlOf(d.bot.apiUrl), apply: (c, v) => (c.exchange.apiUrl = v as string | null) },
  { key: 'exchange.sandbox', kind: 'text', asked: (g) => g.exchange?.sandbox, stored: (d) => d.bot.sandbox ?? undefined, apply: (c, v) => (c.exchange.sandbox = v as boolean) },
  { key: 'stake', kind: 'stake', asked: (g) => g.stake, stored: (d) => d.settings.stake, apply: (c, v) => (c.stake = v as string) },
  { key: 'fee', kind: 'decimal', asked: (g) => g.fee, stored: (d) => d.settings.fee, apply: (c, v) => (c.fee = Number(v)) },
  { key: 'slippage', kind: 'number', asked: (g) => g.slippage, stored: (d) => d.settings.slippageBps, apply: (c, v) => (c.slippage = v as number) },
  {
    key: 'cash',
    kind: 'balances',
    modes: ['paper'],
    asked: (g, quote) => {
      const spec = g.paper?.balances ?? g.cash;
      return spec === undefined || spec === null ? undefined : balancesText(parseBalances(spec, quote));
    },
    stored: (d) => balancesText(Object.fromEntries(Object.entries(d.settings.cash).map(([k, v]) => [k, new Dec(v)]))),
    apply: (c, v) => (c.paper.balances = v as string),
  },
  { key: 'paper.warmup', kind: 'number', asked: (g) => g.paper?.warmup, stored: (d) => d.settings.warmup ?? undefined, apply: (c, v) => (c.paper.warmup = v as number) },
  ...RISK_KEYS.map(
    (k): Kept => ({
      key: `risk.${k}`,
      kind: k === 'maxStake' ? 'stake' : 'number',
      asked: (g) => g.risk?.[k],
      stored: (d) => (d.settings.risk[k] ?? null) as number | null,
      apply: (c, v) => ((c.risk as unknown as Record<string, unknown>)[k] = v),
    }),
  ),
  // stored by signal bots only (settings.signals); another bot has none to keep
  ...SIGNAL_KEYS.map(
    (k): Kept => ({
      key: `signals.${k}`,
      kind: 'text',
      asked: (g) => g.signals?.[k],
      stored: (d) => (d.settings.signals ? d.settings.signals[k as keyof typeof d.settings.signals] : undefined),
      apply: (c, v) => ((c.signals as unknown as Record<string, unknown>)[k] = v),
    }),
  ),
];

/**
 * The configuration a start runs with. A new bot (`prev` null): `cfg` as given, its strategy
 * loaded. A resumed one: the stored settings, checked against `given` (only what the command line
 * and the config file say, no defaults). A difference is a UsageError naming each setting with
 * the stored and the asked value; with `reconfigure`, the asked values win (and are listed).
 * Another exchange, pair or timeframe is a StateError, reconfigure or not.
 */
export async function settleSettings(
  prev: BotStateDoc | null,
  cfg: TradebotConfig,
  given: ConfigInput,
  o: { mode: BotMode; reconfigure: boolean; cwd: string },
): Promise<SettledBot> {
  if (!prev) {
    const source = strategySource(cfg.strategy.name, o.cwd);
    const strategy = await loadStrategy(source, o.cwd);
    return { cfg, strategy, source, params: resolveParams(strategy, cfg.strategy.params), changes: [] };
  }
  const out = structuredClone(cfg);
  const name = prev.bot.name;
  const fixed: SettingChange[] = [];
  const changes: SettingChange[] = [];
  for (const k of KEPT) {
    if (k.modes && !k.modes.includes(o.mode)) continue;
    const stored = k.stored(prev);
    const asked = k.asked(given, prev.bot.quote);
    if (stored === undefined) continue; // not recorded: what the start gives (or the default) is recorded now
    if (asked === undefined || same(k.kind, stored, asked)) {
      k.apply(out, stored);
      continue;
    }
    (k.fixed ? fixed : changes).push({ key: k.key, stored: show(stored), asked: show(asked) });
  }

  // the strategy: stored by where it loads from; parameters one by one
  const storedSource = prev.bot.strategy.source;
  const askedSource = given.strategy?.name !== undefined ? strategySource(given.strategy.name, o.cwd) : undefined;
  let source: string;
  let sameStrategy: boolean;
  if (askedSource === undefined) {
    if (storedSource === null) {
      throw new UsageError(`bot ${name} runs the strategy ${prev.bot.strategy.name} from a file whose path it did not record (an older tradebot made it): give the file once with --strategy PATH`);
    }
    source = storedSource;
    sameStrategy = true;
  } else {
    source = askedSource;
    sameStrategy = storedSource === null || askedSource === storedSource;
    if (!sameStrategy) changes.push({ key: 'strategy', stored: storedSource ?? prev.bot.strategy.name, asked: askedSource });
  }
  const strategy = await loadStrategy(source, o.cwd);
  if (sameStrategy && strategy.name !== prev.bot.strategy.name) {
    changes.push({ key: 'strategy', stored: prev.bot.strategy.name, asked: `${strategy.name} (${source})` });
    sameStrategy = false;
  }
  const askedParams = (given.strategy?.params ?? {}) as Record<string, unknown>;
  let params: ParamValues;
  if (sameStrategy) {
    const storedParams = prev.bot.strategy.params as ParamValues;
    const wanted = resolveParams(strategy, { ...storedParams, ...askedParams });
    for (const p of Object.keys(askedParams)) {
      if (p in storedParams && wanted[p] !== storedParams[p]) changes.push({ key: `strategy.params.${p}`, stored: show(storedParams[p]), asked: show(wanted[p]) });
    }
    params = wanted; // differing ones are refused below unless --reconfigure
  } else {
    params = resolveParams(strategy, askedParams);
  }
  out.strategy = { name: source, params };

  if (fixed.length > 0) {
    // as a mode or an account (checkSameOwner): the state file belongs to something else (exit 5)
    throw new StateError(
      `bot ${name} cannot change ${fixed.map((c) => `${c.key} (it trades ${c.stored}, not ${c.asked})`).join(', ')}, not even with --reconfigure: its positions, orders and candles belong to them; use another bot name`,
    );
  }
  if (changes.length > 0 && !o.reconfigure) {
    throw new UsageError(
      `bot ${name} was created with other settings: ${changes.map((c) => `${c.key} is ${c.stored}, not ${c.asked}`).join('; ')}; leave them out to keep the bot's settings, or add --reconfigure to change them`,
    );
  }
  return { cfg: out, strategy, source, params, changes };
}

/** A bot's mode and account are what it is: another command or other keys cannot take it over. */
export function checkSameOwner(prev: BotStateDoc, want: { mode: BotMode; account: string }, path: string): void {
  const b = prev.bot;
  if (b.mode !== want.mode) throw new StateError(`bot ${b.name} is a ${b.mode} bot, not a ${want.mode} one (${path}); use another bot name`);
  if (b.account !== want.account) throw new StateError(`bot ${b.name} trades account ${b.account}, but the keys given are for ${want.account} (${path})`);
}

/** The lines a start prints: everything the bot runs with. */
export function describeSettings(s: SettledBot, o: { mode: BotMode; name: string; resumed: boolean; account?: string }): string[] {
  const c = s.cfg;
  const ex = `${c.exchange.id ?? '?'}${c.exchange.apiUrl ? ` at ${c.exchange.apiUrl}` : ''}${c.exchange.sandbox ? ' (sandbox)' : ''}${o.account ? `, account ${o.account}` : ''}`;
  const params = Object.entries(s.params).map(([k, v]) => `${k}=${String(v)}`);
  const risk = RISK_KEYS.filter((k) => c.risk[k] !== null).map((k) => `${k} ${String(c.risk[k])}`);
  const how = s.changes.length > 0 ? `reconfigured: ${s.changes.map((x) => `${x.key} ${x.stored} -> ${x.asked}`).join(', ')}` : o.resumed ? 'resumed with its stored settings' : 'new';
  return [
    `${o.mode} bot ${o.name} (${how})`,
    `exchange ${ex}; ${c.pair ?? '?'} ${c.timeframe ?? '?'}, warm-up ${c.paper.warmup} candles`,
    `strategy ${s.strategy.name}${s.source !== s.strategy.name ? ` (${s.source})` : ''}${params.length > 0 ? `: ${params.join(', ')}` : ''}`,
    `stake ${formatStake(parseStake(c.stake))}, fee ${String(c.fee)}, slippage ${c.slippage} bps${o.mode === 'paper' ? `, cash ${balancesText(parseBalances(c.paper.balances ?? c.cash, quoteOf(c.pair)))}` : ''}`,
    `risk: ${risk.join(', ')}`,
    ...signalLines(s.strategy.name, c.signals),
  ];
}

function signalLines(strategy: string, g: SignalsConfig): string[] {
  const shadow = g.shadow !== null ? `shadow of ${g.shadow}: ` : '';
  if (strategy === 'webhook') {
    const where = g.shadow !== null ? `the alerts ${g.shadow} accepts` : `alerts on ${g.listen} (/webhook/tradingview, /webhook)`;
    return [`signals: ${shadow}${where}, max lag ${g.maxLag / 1000} s, at most ${g.rateLimit} a minute${g.tickers ? `, tickers ${g.tickers}` : ''}`];
  }
  if (strategy === 'http-signal') {
    return [`signals: ${shadow}service ${g.url !== null ? shownUrl(g.url) : '?'}, min confidence ${g.minConfidence}, timeout ${g.timeout / 1000} s, last answer kept ${g.cacheTtl / 60000} min, fallback ${g.fallback ?? 'none'}, ${g.candles} candles a request`];
  }
  return [];
}

/** `USDT=10000,BTC=0.5`, or a bare amount of the quote currency. */
export function parseBalances(spec: string | number, quote: string): Record<string, Decimal> {
  const text = String(spec).trim();
  if (!text.includes('=')) return { [quote]: parseDecimal(text, { name: '--cash' }) };
  const out: Record<string, Decimal> = {};
  for (const part of text.split(',')) {
    const [cur, amount] = part.split('=').map((x) => x.trim());
    if (!cur || amount === undefined || !/^[A-Za-z0-9]+$/.test(cur)) throw new UsageError(`--cash ${JSON.stringify(part)} must look like USDT=10000`);
    out[cur.toUpperCase()] = parseDecimal(amount, { name: `--cash ${cur}`, allowZero: true });
  }
  if (!(quote in out)) out[quote] = new Dec(0);
  return out;
}

function quoteOf(pair: string | null): string {
  return pair?.split(',')[0]?.split('/')[1]?.trim() ?? '?';
}

function balancesText(b: Record<string, Decimal>): string {
  return Object.keys(b)
    .sort()
    .map((k) => `${k}=${b[k]!.toFixed()}`)
    .join(',');
}

function pairsOf(pair: string | null | undefined): string | null | undefined {
  return typeof pair === 'string' ? pair.split(',').map((p) => p.trim()).join(',') : pair;
}

/** Only the origin of an API URL is used (src/exchange/make-ccxt.ts): a trailing slash is the same URL. */
function urlOf(url: string | null | undefined): string | null | undefined {
  return typeof url === 'string' ? url.replace(/\/+$/, '') : url;
}

function same(kind: Kind, a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  try {
    if (kind === 'decimal') return new Dec(String(a)).eq(new Dec(String(b)));
    if (kind === 'stake') return formatStake(parseStake(a)) === formatStake(parseStake(b));
  } catch {
    return false;
  }
  return a === b;
}

function show(v: unknown): string {
  return v === null || v === undefined ? 'none' : String(v);
}
