import { UsageError } from './errors.js';

/**
 * The rules that manage an open position for any strategy: a minimal-ROI table, a profit-booking
 * ladder, the stop moved to break-even, re-entries after a stop-loss and DCA adds. The engine
 * checks them on each closed candle (src/engine/managed-orders.ts); absent rules cost nothing.
 */
export interface PositionRules {
  /** minimal return by trade age, sorted by age: exit the whole position once the close reaches it */
  roi?: readonly RoiStep[];
  /** profit levels, sorted: sell `fraction` of the entered quantity once the close reaches `profit` */
  ladder?: readonly LadderLevel[];
  /** move the stop to the average entry price once this many ladder levels have filled */
  breakevenAfter?: number;
  /** after a stop-loss, buy again when the close is back at the stopped trade's entry price */
  reentry?: { times: number; windowBars: number };
  /** add to the position when the close is `step` below the average entry, each add `scale` times the previous */
  dca?: { times: number; step: number; scale: number };
}

export interface RoiStep {
  minutes: number;
  profit: number;
}

export interface LadderLevel {
  profit: number;
  fraction: number;
}

const NUM = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function pairs(text: string, flag: string, what: string): [number, number][] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a list like ${what}`);
  return parts.map((p) => {
    const [a, b, extra] = p.split(':');
    if (a === undefined || b === undefined || extra !== undefined || !NUM.test(a) || !NUM.test(b)) {
      throw new UsageError(`${flag} ${JSON.stringify(text)}: ${JSON.stringify(p)} is not a number:number pair (expected a list like ${what})`);
    }
    const x = Number(a);
    const y = Number(b);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new UsageError(`${flag} ${JSON.stringify(text)}: ${JSON.stringify(p)} is not finite`);
    return [x, y];
  });
}

/** `"0:0.04,60:0.02,240:0"`: minutes of trade age : minimal return (freqtrade's minimal_roi). */
export function parseRoi(text: string, flag = '--roi'): RoiStep[] {
  const steps = pairs(text, flag, '"0:0.04,60:0.02,240:0"').map(([minutes, profit]) => ({ minutes, profit }));
  const seen = new Set<number>();
  for (const s of steps) {
    if (s.minutes < 0) throw new UsageError(`${flag}: the age ${s.minutes} is negative (minutes since the entry)`);
    if (seen.has(s.minutes)) throw new UsageError(`${flag}: the age ${s.minutes} is given twice`);
    seen.add(s.minutes);
    if (s.profit < 0 || s.profit >= 10) throw new UsageError(`${flag}: the return ${s.profit} at ${s.minutes} min must be a fraction >= 0 (0.04 = 4%)`);
  }
  steps.sort((a, b) => a.minutes - b.minutes);
  if (steps[0]!.minutes !== 0) throw new UsageError(`${flag}: the table must start at age 0 (it starts at ${steps[0]!.minutes} min)`);
  return steps;
}

/** `"0.01:0.3,0.02:0.3,0.04:0.4"`: profit level : fraction of the position; the fractions sum to 1. */
export function parseLadder(text: string, flag = '--take-profit-ladder'): LadderLevel[] {
  const levels = pairs(text, flag, '"0.01:0.3,0.02:0.3,0.04:0.4"').map(([profit, fraction]) => ({ profit, fraction }));
  for (const l of levels) {
    if (!(l.profit > 0)) throw new UsageError(`${flag}: the level ${l.profit} must be above 0 (a profit: 0.01 = 1% above the entry)`);
    if (!(l.fraction > 0 && l.fraction <= 1)) throw new UsageError(`${flag}: the fraction ${l.fraction} at level ${l.profit} must be above 0 and at most 1`);
  }
  levels.sort((a, b) => a.profit - b.profit);
  for (let i = 1; i < levels.length; i++) if (levels[i]!.profit === levels[i - 1]!.profit) throw new UsageError(`${flag}: the level ${levels[i]!.profit} is given twice`);
  const sum = levels.reduce((s, l) => s + l.fraction, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new UsageError(`${flag}: the fractions sum to ${+sum.toFixed(9)}, not 1 (${levels.map((l) => l.fraction).join(' + ')})`);
  return levels;
}

/** The minimal return of a trade `ageMinutes` old: the step with the largest age not above it. */
export function roiAt(roi: readonly RoiStep[], ageMinutes: number): number {
  let r = roi[0]!.profit;
  for (let i = 1; i < roi.length && roi[i]!.minutes <= ageMinutes; i++) r = roi[i]!.profit;
  return r;
}

export function formatRoi(roi: readonly RoiStep[]): string {
  return roi.map((s) => `${s.minutes}:${s.profit}`).join(',');
}

export function formatLadder(ladder: readonly LadderLevel[]): string {
  return ladder.map((l) => `${l.profit}:${l.fraction}`).join(',');
}

/**
 * The Kelly fraction of a series of trade returns: win rate W and payoff R (mean win over mean
 * loss) give f = W - (1 - W) / R. No loss yet: R is unbounded, f = W (= 1). No win: f = 0.
 */
export function kellyFraction(returns: readonly number[]): number {
  let wins = 0;
  let winSum = 0;
  let losses = 0;
  let lossSum = 0;
  for (const r of returns) {
    if (r > 0) {
      wins++;
      winSum += r;
    } else if (r < 0) {
      losses++;
      lossSum -= r;
    }
  }
  const n = wins + losses;
  if (n === 0 || wins === 0) return 0;
  const w = wins / n;
  if (losses === 0) return w;
  const payoff = winSum / wins / (lossSum / losses);
  return w - (1 - w) / payoff;
}
