import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { parseIsoTimestamp } from '../data/parse-date.js';

/** The rotations BotLog keeps (log.jsonl.1 … .3), oldest first, then the live file. */
export const LOG_ROTATIONS = 3;

/** A line of a bot's log: `{time, level, event, ...fields}`, with the text it was read from. */
export interface LogRecord {
  /** null when the line is not a log record (it is still shown, as it is) */
  time: number | null;
  level: string;
  event: string;
  fields: Record<string, unknown>;
  raw: string;
}

export function parseLogLine(raw: string): LogRecord {
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const { time, level, event, ...fields } = v;
      return { time: typeof time === 'number' ? time : null, level: typeof level === 'string' ? level : '?', event: typeof event === 'string' ? event : '?', fields, raw };
    }
  } catch {
    // not JSON: shown as it is
  }
  return { time: null, level: '?', event: '?', fields: {}, raw };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `3d`, `1w`) or an ISO date / date-time (UTC unless an offset is given). */
export function parseSince(text: string, now: number): number {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(t);
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  const iso = parseIsoTimestamp(t);
  if (Number.isFinite(iso)) return iso;
  throw new UsageError(`--since ${JSON.stringify(text)} must be a duration such as 10m, 2h or 3d, or a date such as 2024-05-01 or 2024-05-01T12:00Z`);
}

/** The files to read, oldest first; missing ones are skipped. */
export function logFiles(logPath: string): string[] {
  const out: string[] = [];
  for (let i = LOG_ROTATIONS; i >= 1; i--) out.push(`${logPath}.${i}`);
  out.push(logPath);
  return out;
}

function splitLines(text: string): { lines: string[]; rest: string } {
  const parts = text.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.filter((l) => l.trim() !== ''), rest };
}

/** Records at or after `since` (lines without a time always pass). A torn last line is left out. */
function keep(rec: LogRecord, since: number | null): boolean {
  return since === null || rec.time === null || rec.time >= since;
}

const LEVELS = ['info', 'warn', 'error'] as const;

/**
 * `--level` (that level and above: warn shows warn and error) and `--event` (names, comma
 * separated; `order-*` matches a prefix). A line that is not a record passes neither filter.
 */
export function recordFilter(o: { level?: string; events?: string }): ((rec: LogRecord) => boolean) | undefined {
  const checks: ((rec: LogRecord) => boolean)[] = [];
  if (o.level !== undefined) {
    const min = LEVELS.indexOf(o.level.trim().toLowerCase() as (typeof LEVELS)[number]);
    if (min < 0) throw new UsageError(`--level ${JSON.stringify(o.level)} must be one of ${LEVELS.join(', ')}`);
    checks.push((rec) => LEVELS.indexOf(rec.level as (typeof LEVELS)[number]) >= min);
  }
  if (o.events !== undefined) {
    const names = o.events.split(',').map((e) => e.trim()).filter((e) => e !== '');
    if (names.length === 0 || names.some((n) => !/^[a-z0-9-]+\*?$/.test(n))) {
      throw new UsageError(`--event ${JSON.stringify(o.events)} must be event names separated by commas (fill,trade-closed), a name may end in * (order-*)`);
    }
    const exact = new Set(names.filter((n) => !n.endsWith('*')));
    const prefixes = names.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1));
    checks.push((rec) => exact.has(rec.event) || prefixes.some((p) => rec.event.startsWith(p)));
  }
  return checks.length === 0 ? undefined : (rec) => checks.every((c) => c(rec));
}

export interface FollowOptions {
  since: number | null;
  /** further conditions a record must meet (recordFilter) */
  filter?: (rec: LogRecord) => boolean;
  /** called per record, in order */
  onRecord: (rec: LogRecord) => void;
  /** resolves or aborts the follow; without it, the log is read once */
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * Print the log and its rotations, oldest first; with a signal, keep following the live file
 * (polling its size, like `tail -F`) until the signal aborts. A rotation (the file renamed to
 * log.jsonl.1 and a new one started) is noticed by the inode changing: the old file is read to
 * its end through the open handle, then the new one from its start.
 */
export async function readLog(logPath: string, o: FollowOptions): Promise<void> {
  // open the live file first: lines appended while the rotations are read are not lost
  let fh: FileHandle | null = await open(logPath, 'r').catch(() => null);
  let ino = fh ? (await fh.stat()).ino : -1;
  for (const f of logFiles(logPath).slice(0, -1)) {
    // rotated just now: this file is the one already open, read below
    if ((await stat(f).catch(() => null))?.ino === ino) continue;
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const l of splitLines(text.endsWith('\n') ? text : `${text}\n`).lines) emit(l);
  }
  let offset = 0;
  let partial = '';
  function emit(line: string) {
    const rec = parseLogLine(line);
    if (keep(rec, o.since) && (o.filter === undefined || o.filter(rec))) o.onRecord(rec);
  }
  async function drain(): Promise<void> {
    if (!fh) return;
    const size = (await fh.stat()).size;
    if (size < offset) {
      offset = 0; // truncated in place
      partial = '';
    }
    while (offset < size) {
      const buf = Buffer.alloc(Math.min(size - offset, 1 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const { lines, rest } = splitLines(partial + buf.subarray(0, bytesRead).toString('utf8'));
      partial = rest;
      for (const l of lines) emit(l);
    }
  }
  try {
    await drain();
    if (!o.signal) return;
    const pollMs = o.pollMs ?? 200;
    while (!o.signal.aborted) {
      await abortableSleep(pollMs, o.signal);
      if (o.signal.aborted) break;
      await drain();
      const st = await stat(logPath).catch(() => null);
      if (st && st.ino !== ino) {
        await drain(); // whatever reached the old file before it was renamed
        if (partial.trim() !== '') emit(partial);
        await fh?.close();
        // rotated more than once since the last look: the files between ours and the live one
        const rotations = logFiles(logPath).slice(0, -1).reverse(); // .1, .2, .3
        const ours = fh ? (await Promise.all(rotations.map((f) => stat(f).then((x) => x.ino, () => -1)))).indexOf(ino) : -1;
        for (let k = ours - 1; k >= 0; k--) {
          for (const l of splitLines(`${await readFile(rotations[k]!, 'utf8').catch(() => '')}\n`).lines) emit(l);
        }
        fh = await open(logPath, 'r').catch(() => null);
        ino = fh ? (await fh.stat()).ino : -1;
        offset = 0;
        partial = '';
        await drain();
      }
    }
  } finally {
    await fh?.close();
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
