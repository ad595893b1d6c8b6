import { parseDecimal, type Dec as Decimal } from './core/money.js';
import { UsageError } from './core/errors.js';
import { parseStake, type Stake } from './core/sizing.js';
import type { Protection } from './core/orders.js';
import type { RiskLimits } from './core/risk.js';
import type { TradebotConfig } from './config/schema.js';

/** The trading settings every mode derives from the config in the same way. */
export interface TradingSettings {
  stake: Stake;
  feeRate: Decimal;
  protection?: Protection;
  riskPerTrade?: number;
  limits: RiskLimits;
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
  return {
    stake,
    feeRate,
    ...(Object.keys(protection).length > 0 ? { protection } : {}),
    ...(r.riskPerTrade !== null ? { riskPerTrade: r.riskPerTrade } : {}),
    limits,
  };
}


