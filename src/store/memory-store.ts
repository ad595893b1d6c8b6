import type { JournalEntry, Store } from '../engine/ports.js';

/**
 * Backtest store: nothing outlives the run, so the journal keeps only counts and the most recent
 * entries (a long backtest journals hundreds of thousands of entries it never reads).
 */
export class MemoryStore implements Store {
  readonly recent: JournalEntry[] = [];
  journaled = 0;
  checkpoints = 0;

  constructor(private readonly keep = 100) {}

  journal(entry: JournalEntry): void {
    this.journaled++;
    this.recent.push(entry);
    if (this.recent.length > 2 * this.keep) this.recent.splice(0, this.recent.length - this.keep);
  }

  checkpoint(): void {
    this.checkpoints++;
  }
}
