import { parseDecimal, type Dec as Decimal } from './core/money.js';
import { UsageError } from './core/errors.js';
import { parseFixedStake, parseStake, type FixedStake, type Stake } from './core/sizing.js';
import type { Protection } from './core/orders.js';
import type { RiskLimits } from './core/risk.js';
import { parseLadder, parseRoi, type PositionRules } from './core/position-rules.js';
import type { TradebotConfig } from './config/schema.js';

/** The trading settings every mode derives from the config in the same way. */
export interface TradingSettings {
  stake: Stake;
  feeRate: Decimal;
  protection?: Protection;
  riskPerTrade?: number;
  limits: RiskLimits;
  positions?: PositionRules;
  /** the config's risk.maxEntries (absent: the strategy's own) */
  maxEntries?: number;
  maxStake?: FixedStake;
  kelly?: { window: number; minTrades: number; floor: number };
}

export function tradingSettings(cfg: TradebotConfig): TradingSettings {
  const stake = parseStake(cfg.stake, 'stake');
  const feeRate = parseDecimal(cfg.fee, { name: 'fee', allowZero: true });
  if (feeRate.gte(1)) throw new UsageError(`fee ${cfg.fee} must be below 1 (it is a rate: 0.001 = 0.1%)`);
  if (!Number.isFinite(cfg.slippage) || cfg.slippage < 0) throw new UsageError(`slippage ${cfg.slippage} must be a non-negative number of basis points`);
  const r = cfg.risk;
  if (r.riskPerTrade !== null && r.stopLoss === null) throw new UsageError('risk.riskPerTrade needs risk.stopLoss: the stop distance decides the size');
  const protection: Protection = {};
  if (r.stopLoss !== null) protection.stopLoss = r.stopLoss;
  if (r.takeProfit !== null) protection.takeProfit = r.takeProfit;
  if (r.trailingStop !== null) protection.trailingStop = r.trailingStop;
  const limits: RiskLimits = { maxOpenPositions: r.maxOpenPositions };
  if (r.maxPositionNotional !== null) limits.maxPositionNotional = r.maxPositionNotional;
  if (r.maxOpenOrders !== null) limits.maxOpenOrders = r.maxOpenOrders;
  if (r.maxOrdersPerMinute !== null) limits.maxOrdersPerMinute = r.maxOrdersPerMinute;
  if (r.dailyLossLimit !== null) limits.dailyLossLimit = r.dailyLossLimit;
  if (r.maxDrawdown !== null) limits.maxDrawdown = r.maxDrawdown;
  if (r.cooldownAfterStopLoss !== null) limits.cooldownAfterStopLossMs = r.cooldownAfterStopLoss;
  const positions = positionRules(cfg);
  if (stake.kind !== 'kelly') {
    const k = (['kellyWindow', 'kellyMinTrades', 'kellyFloor'] as const).find((x) => r[x] !== null);
    if (k) throw new UsageError(`risk.${k} applies to --stake kelly:F only (the stake is ${cfg.stake})`);
  }
  return {
    stake,
    feeRate,
    ...(Object.keys(protection).length > 0 ? { protection } : {}),
    ...(r.riskPerTrade !== null ? { riskPerTrade: r.riskPerTrade } : {}),
    limits,
    ...(positions ? { positions } : {}),
    ...(r.maxEntries !== null ? { maxEntries: r.maxEntries } : {}),
    ...(r.maxStake !== null ? { maxStake: parseFixedStake(r.maxStake, '--max-stake') } : {}),
    ...(stake.kind === 'kelly' ? { kelly: { window: r.kellyWindow ?? 50, minTrades: r.kellyMinTrades ?? 10, floor: r.kellyFloor ?? 0.01 } } : {}),
  };
}

/** The position rules of the config, checked together (each key alone is checked by the schema). */
function positionRules(cfg: TradebotConfig): PositionRules | undefined {
  const r = cfg.risk;
  const out: PositionRules = {};
  if (r.roi !== null) out.roi = parseRoi(r.roi, '--roi');
  if (r.takeProfitLadder !== null) out.ladder = parseLadder(r.takeProfitLadder, '--take-profit-ladder');
  if (r.breakevenAfter !== null) {
    if (!out.ladder) throw new UsageError('--breakeven-after needs --take-profit-ladder: it counts the ladder levels filled');
    if (r.breakevenAfter > out.ladder.length) throw new UsageError(`--breakeven-after ${r.breakevenAfter} is more than the ${out.ladder.length} levels of --take-profit-ladder`);
    out.breakevenAfter = r.breakevenAfter;
  }
  if (r.dca !== null) {
    if (r.dcaStep === null) throw new UsageError('--dca needs --dca-step: how far below the average entry each add waits (0.02 = 2%)');
    out.dca = { times: r.dca, step: r.dcaStep, scale: r.dcaScale ?? 1 };
  } else if (r.dcaStep !== null || r.dcaScale !== null) {
    throw new UsageError(`${r.dcaStep !== null ? '--dca-step' : '--dca-scale'} needs --dca N: how many adds a position may take`);
  }
  if (r.reentry !== null) {
    if (r.stopLoss === null) throw new UsageError('--reentry needs --stop-loss: a re-entry follows a stop-loss');
    if (r.reentryWindow === null) throw new UsageError('--reentry needs --reentry-window BARS: how many candles after the stop a re-entry may happen');
    out.reentry = { times: r.reentry, windowBars: r.reentryWindow };
  } else if (r.reentryWindow !== null) {
    throw new UsageError('--reentry-window needs --reentry N');
  }
  return Object.keys(out).length > 0 ? out : undefined;
}


