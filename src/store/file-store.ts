import type { Low } from 'lowdb';
import type { JournalEntry, Store } from '../engine/ports.js';
import type { Journal } from './journal.js';
import type { CrashPoints } from './crash-points.js';

/**
 * The store of paper and live bots: every journal entry is appended and fsynced before the engine
 * acts on it; checkpoints replace the state file atomically (with a `.bak`).
 * `build` turns the engine's snapshot into the whole state document (it adds the simulated
 * exchange, runtime and identity).
 */
export class FileStore<Doc> implements Store {
  journaled = 0;
  /** state writes are serialized: a heartbeat never races a checkpoint */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: Journal,
    private readonly db: Low<Doc>,
    private readonly build: (engineSnapshot: unknown, journalSeq: number) => Doc,
    private readonly crash: CrashPoints,
  ) {}

  async journal(entry: JournalEntry): Promise<void> {
    // "sent" arrives once the exchange accepted: dying before it is written is row 2's case
    if (entry.type === 'sent') this.crash.hit('after-send');
    await this.log.append(entry);
    this.journaled++;
    if (entry.type === 'intent') this.crash.hit('after-journal');
    else if (entry.type === 'sent') this.crash.hit('after-ack');
    else if (entry.type === 'fill') this.crash.hit('after-fill');
  }

  checkpoint(snapshot: () => unknown): Promise<void> {
    return this.serialized(() => {
      this.db.data = this.build(snapshot(), this.journaled);
    });
  }

  /** Write the document after `change` (runtime changes: heartbeat, status, acknowledgements). */
  save(change: (doc: Doc) => void): Promise<void> {
    return this.serialized(() => change(this.db.data));
  }

  private serialized(prepare: () => void): Promise<void> {
    const next = this.writing.then(async () => {
      prepare();
      await this.db.write();
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  get data(): Doc {
    return this.db.data;
  }
}
