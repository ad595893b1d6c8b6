import { readFile } from 'node:fs/promises';
import { writeFileDurable } from '../store/durable-write.js';

/** One message waiting for one target (a Telegram chat, the webhook). */
export interface QueuedMessage {
  id: number;
  /** "telegram:<chat id>" or "webhook" */
  target: string;
  event: string;
  text: string;
  /** a webhook template's placeholders */
  values: Record<string, string>;
  silent: boolean;
  createdAt: number;
  attempts: number;
  /** not before (this machine's clock) */
  nextAt: number;
}

/** A channel as `status` shows it: degraded from its first failed delivery until one goes through. */
export interface ChannelHealth {
  state: 'ok' | 'degraded';
  since: number | null;
  lastError: string | null;
  /** failed deliveries in a row */
  failures: number;
  sent: number;
  failed: number;
}

/**
 * `<bot>/notify.json`: the messages not yet delivered (kept across a restart of the bot), the
 * health of each channel, where Telegram's command stream was read up to, and the last daily
 * summary sent. Written durably; read by `status` (files only). Holds no token and no URL.
 */
export interface NotifyFileDoc {
  schemaVersion: 1;
  seq: number;
  queue: QueuedMessage[];
  channels: Record<string, ChannelHealth>;
  /** getUpdates offset: updates before it were handled */
  telegramOffset: number;
  /** the UTC day (YYYY-MM-DD) of the last daily summary */
  lastDaily: string | null;
  /** messages given up (queue over its bound, or older than a day) */
  dropped: number;
}

export function emptyNotifyDoc(): NotifyFileDoc {
  return { schemaVersion: 1, seq: 0, queue: [], channels: {}, telegramOffset: 0, lastDaily: null, dropped: 0 };
}

/** The file as written, or null when there is none or it cannot be read (a new one is started: it holds only notifications). */
export async function readNotifyFile(path: string): Promise<NotifyFileDoc | null> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as NotifyFileDoc;
    if (doc?.schemaVersion !== 1 || !Array.isArray(doc.queue) || typeof doc.channels !== 'object' || doc.channels === null) return null;
    return doc;
  } catch {
    return null;
  }
}

/** Writes coalesced: at most one write in flight, and one more with whatever changed meanwhile. */
export class NotifyFile {
  private writing: Promise<void> | null = null;
  private dirty = false;

  constructor(
    readonly path: string,
    readonly doc: NotifyFileDoc,
  ) {}

  save(): Promise<void> {
    this.dirty = true;
    if (this.writing) return this.writing;
    this.writing = (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await writeFileDurable(this.path, `${JSON.stringify(this.doc)}\n`).catch(() => undefined);
        }
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
