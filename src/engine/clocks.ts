import type { Clock } from './ports.js';

/** Backtest time: the close time of the bar being processed. */
export class SimulatedClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  onBar(closeTime: number): void {
    this.t = closeTime;
  }
}

/** Wall-clock time for paper and live. The only place the engine's time touches the system. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
