import type { JournalEntry, Store } from '../engine/ports.js';

/** Backtest store: keeps the journal in memory; the result is written once at the end. */
export class MemoryStore implements Store {
  readonly entries: JournalEntry[] = [];
  checkpoints = 0;

  journal(entry: JournalEntry): void {
    this.entries.push(entry);
  }

  checkpoint(): void {
    this.checkpoints++;
  }
}
