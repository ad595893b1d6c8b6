import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BacktestCandles } from '../backtest.js';
import type { CandleSeries } from '../core/candles.js';
import type { TradebotConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { VERSION } from '../version.js';

/**
 * What a trial's result depends on besides its parameters. Trials whose hashes differ were made on
 * other inputs and are never mixed in one run or one merge.
 */
export interface TrialHashes {
  /** the candles the trials run on (after --from/--to) and the market rules that came with them */
  data: string;
  /** a built-in's name, or the bytes of a strategy file */
  strategy: string;
  /** cash, stake, fee, slippage, risk, market keys, warmup and the fixed strategy parameters */
  settings: string;
  /** the tradebot version that ran the trials */
  version: string;
}

function digest(h: ReturnType<typeof createHash>): string {
  return h.digest('hex').slice(0, 16);
}

export function dataHash(series: CandleSeries, market: BacktestCandles['market']): string {
  const h = createHash('sha256');
  h.update(`tf:${series.timeframeMs};n:${series.length};`);
  for (const col of [series.time, series.open, series.high, series.low, series.close, series.volume]) {
    const a = col.subarray(0, series.length);
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  h.update(JSON.stringify(market ?? null));
  return digest(h);
}

export async function strategyHash(name: string, cwd: string): Promise<string> {
  const h = createHash('sha256');
  if (/[/\\]|\.(m?js|cjs)$/.test(name)) {
    try {
      h.update(await readFile(resolve(cwd, name)));
    } catch (err) {
      throw new UsageError(`strategy file ${name}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  } else h.update(`builtin:${name}`);
  return digest(h);
}

/** The settings every trial shares, as canonical JSON (sorted keys). */
export function settingsHash(cfg: TradebotConfig): string {
  return digest(createHash('sha256').update(canonicalJson(tradingSettingsOf(cfg))));
}

export function tradingSettingsOf(cfg: TradebotConfig): Record<string, unknown> {
  return {
    cash: cfg.cash,
    stake: cfg.stake,
    fee: cfg.fee,
    slippage: cfg.slippage,
    risk: cfg.risk,
    market: cfg.market,
    warmup: cfg.backtest.warmup,
    params: cfg.strategy.params,
  };
}

export function versionHash(): string {
  return VERSION;
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function shortHash(text: string): string {
  return digest(createHash('sha256').update(text));
}
