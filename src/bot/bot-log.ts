import { appendFile, rename, stat, rm } from 'node:fs/promises';
import { redact } from '../secrets.js';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * A bot's JSON-lines log, rotated by size: log.jsonl, log.jsonl.1 ... log.jsonl.N. Each line is
 * `{time, level, event, ...fields}`. Secrets never go in: callers pass only what they mean to log.
 */
export class BotLog {
  private size = -1;
  /** appends in call order: events written in quick succession keep their order in the file */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {}

  write(time: number, level: LogLevel, event: string, fields: Record<string, unknown> = {}): Promise<void> {
    const line = `${redact(JSON.stringify({ time, level, event, ...fields }))}\n`;
    const next = this.tail.then(() => this.append(line));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async append(line: string): Promise<void> {
    if (this.size < 0) this.size = await stat(this.path).then((s) => s.size, () => 0);
    if (this.size + line.length > this.maxBytes) await this.rotate();
    await appendFile(this.path, line, { mode: 0o600 });
    this.size += Buffer.byteLength(line);
  }

  private async rotate(): Promise<void> {
    await rm(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => undefined);
    await rename(this.path, `${this.path}.1`).catch(() => undefined);
    this.size = 0;
  }
}
