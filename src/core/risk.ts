/**
 * The risk gate: the same pre-trade checks in backtest, paper and live. It answers
 * approved or denied with a coded reason; some denials also halt new entries until reset.
 * Exits are never blocked by the gate: reducing risk is always allowed.
 */
export interface RiskLimits {
  maxOpenPositions: number;
  /** max notional of one position in quote */
  maxPositionNotional?: number;
  maxOpenOrders?: number;
  maxOrdersPerMinute?: number;
  /** fraction of the day's starting equity (UTC day) */
  dailyLossLimit?: number;
  /** fraction below peak equity; breaching halts entries */
  maxDrawdown?: number;
  /** no new entry on a symbol for this long after its stop-loss hit */
  cooldownAfterStopLossMs?: number;
}

export type RiskDenialCode =
  | 'max-open-positions'
  | 'max-position-notional'
  | 'max-open-orders'
  | 'max-orders-per-minute'
  | 'daily-loss-limit'
  | 'max-drawdown'
  | 'stop-loss-cooldown'
  | 'halted'
  | 'paused';

export type RiskDecision = { approved: true } | { approved: false; code: RiskDenialCode; message: string };

export interface RiskState {
  orderTimes: number[];
  dayStart: number;
  dayStartEquity: number;
  peakEquity: number;
  lastStopLoss: Record<string, number>;
  halt: { code: RiskDenialCode; since: number; message: string } | null;
}

const DAY_MS = 86_400_000;

export function newRiskState(equity: number, now: number): RiskState {
  return { orderTimes: [], dayStart: now - (now % DAY_MS), dayStartEquity: equity, peakEquity: equity, lastStopLoss: {}, halt: null };
}

/** Called after each bar with the marked equity: tracks the peak, the UTC day and halts. */
export function observeEquity(limits: RiskLimits, state: RiskState, equity: number, now: number): void {
  const day = now - (now % DAY_MS);
  if (day !== state.dayStart) {
    state.dayStart = day;
    state.dayStartEquity = equity;
    if (state.halt?.code === 'daily-loss-limit') state.halt = null;
  }
  if (equity > state.peakEquity) state.peakEquity = equity;
  if (state.halt) return;
  if (limits.maxDrawdown !== undefined && state.peakEquity > 0 && 1 - equity / state.peakEquity > limits.maxDrawdown) {
    state.halt = { code: 'max-drawdown', since: now, message: `drawdown ${pct(1 - equity / state.peakEquity)} exceeds the limit ${pct(limits.maxDrawdown)}` };
  } else if (limits.dailyLossLimit !== undefined && state.dayStartEquity > 0 && 1 - equity / state.dayStartEquity > limits.dailyLossLimit) {
    state.halt = { code: 'daily-loss-limit', since: now, message: `today's loss ${pct(1 - equity / state.dayStartEquity)} exceeds the limit ${pct(limits.dailyLossLimit)}` };
  }
}

export interface EntryCheck {
  symbol: string;
  notional: number;
  openPositions: number;
  openOrders: number;
  now: number;
}

export function checkEntry(limits: RiskLimits, state: RiskState, c: EntryCheck): RiskDecision {
  if (state.halt) return deny('halted', `entries halted since ${new Date(state.halt.since).toISOString()}: ${state.halt.message}`);
  if (c.openPositions >= limits.maxOpenPositions) {
    return deny('max-open-positions', `${c.openPositions} positions open, the limit is ${limits.maxOpenPositions}`);
  }
  if (limits.maxPositionNotional !== undefined && c.notional > limits.maxPositionNotional) {
    return deny('max-position-notional', `notional ${c.notional.toFixed(2)} exceeds the limit ${limits.maxPositionNotional}`);
  }
  if (limits.maxOpenOrders !== undefined && c.openOrders >= limits.maxOpenOrders) {
    return deny('max-open-orders', `${c.openOrders} orders open, the limit is ${limits.maxOpenOrders}`);
  }
  const sl = state.lastStopLoss[c.symbol];
  if (limits.cooldownAfterStopLossMs !== undefined && sl !== undefined && c.now - sl < limits.cooldownAfterStopLossMs) {
    return deny('stop-loss-cooldown', `${c.symbol} is cooling down after a stop-loss until ${new Date(sl + limits.cooldownAfterStopLossMs).toISOString()}`);
  }
  return checkRate(limits, state, c.now);
}

export interface AddCheck {
  symbol: string;
  /** the position's notional once the add fills */
  notional: number;
  openOrders: number;
  now: number;
}

/**
 * An add to an open position (DCA): the same gate as an entry, except that the position already
 * counts among the open ones; max-position-notional applies to the whole position.
 */
export function checkAdd(limits: RiskLimits, state: RiskState, c: AddCheck): RiskDecision {
  if (state.halt) return deny('halted', `entries halted since ${new Date(state.halt.since).toISOString()}: ${state.halt.message}`);
  if (limits.maxPositionNotional !== undefined && c.notional > limits.maxPositionNotional) {
    return deny('max-position-notional', `the position's notional ${c.notional.toFixed(2)} after the add exceeds the limit ${limits.maxPositionNotional}`);
  }
  if (limits.maxOpenOrders !== undefined && c.openOrders >= limits.maxOpenOrders) {
    return deny('max-open-orders', `${c.openOrders} orders open, the limit is ${limits.maxOpenOrders}`);
  }
  return checkRate(limits, state, c.now);
}

/** The orders-per-minute limit applies to every order, exits included, but exits only record. */
export function checkRate(limits: RiskLimits, state: RiskState, now: number): RiskDecision {
  if (limits.maxOrdersPerMinute === undefined) return { approved: true };
  while (state.orderTimes.length > 0 && state.orderTimes[0]! <= now - 60_000) state.orderTimes.shift();
  if (state.orderTimes.length >= limits.maxOrdersPerMinute) {
    return deny('max-orders-per-minute', `${state.orderTimes.length} orders in the last minute, the limit is ${limits.maxOrdersPerMinute}`);
  }
  return { approved: true };
}

export function recordOrder(limits: RiskLimits, state: RiskState, now: number): void {
  if (limits.maxOrdersPerMinute !== undefined) state.orderTimes.push(now);
}

export function recordStopLoss(state: RiskState, symbol: string, now: number): void {
  state.lastStopLoss[symbol] = now;
}

function deny(code: RiskDenialCode, message: string): RiskDecision {
  return { approved: false, code, message };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
