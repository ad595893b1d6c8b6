import { stringify } from 'yaml';
import type { TradebotConfig } from '../config/schema.js';
import { trialConfig } from './trial-config.js';
import type { Point, Space } from './space.js';

/**
 * The best point as a config file `--config` reads: the strategy with its parameters, the trading
 * settings and protections the search ran with (the point's included), and the data it ran on.
 */
export function exportConfig(base: TradebotConfig, spaces: readonly Space[], point: Point, header: string): string {
  const cfg = trialConfig(base, spaces, point);
  const risk: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg.risk)) if (v !== null) risk[k] = v;
  const market: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg.market)) if (v !== null) market[k] = v;
  const doc: Record<string, unknown> = {};
  if (cfg.exchange.id !== null) doc.exchange = { id: cfg.exchange.id, ...(cfg.exchange.apiUrl ? { apiUrl: cfg.exchange.apiUrl } : {}), ...(cfg.exchange.sandbox ? { sandbox: true } : {}) };
  if (cfg.pair !== null) doc.pair = cfg.pair;
  if (cfg.timeframe !== null) doc.timeframe = cfg.timeframe;
  doc.strategy = { name: cfg.strategy.name, params: cfg.strategy.params };
  doc.cash = cfg.cash;
  doc.stake = cfg.stake;
  doc.fee = cfg.fee;
  doc.slippage = cfg.slippage;
  doc.risk = risk;
  if (Object.keys(market).length > 0) doc.market = market;
  const backtest: Record<string, unknown> = {};
  if (cfg.backtest.data !== null) backtest.data = cfg.backtest.data;
  if (cfg.backtest.from !== null) backtest.from = cfg.backtest.from;
  if (cfg.backtest.to !== null) backtest.to = cfg.backtest.to;
  if (cfg.backtest.warmup > 0) backtest.warmup = cfg.backtest.warmup;
  if (Object.keys(backtest).length > 0) doc.backtest = backtest;
  const comment = header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${comment}\n${stringify(doc)}`;
}
