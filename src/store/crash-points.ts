/**
 * Named crash points for recovery tests: `TRADEBOT_CRASH_AT=after-journal` (optionally `:N` for
 * the N-th time) makes the process kill itself with SIGKILL there, exactly as a power cut or
 * `kill -9` would. Unset, every check is a no-op. `after-alert`: a webhook alert was recorded and
 * answered, and no candle has acted on it yet.
 */
export type CrashPoint = 'after-journal' | 'after-send' | 'after-ack' | 'mid-snapshot' | 'after-fill' | 'after-alert';

export class CrashPoints {
  private readonly point: string | null;
  private remaining: number;

  constructor(spec: string | undefined) {
    const [point, n] = (spec ?? '').split(':');
    this.point = point ? point : null;
    this.remaining = n ? Math.max(1, Number(n)) : 1;
  }

  hit(point: CrashPoint): void {
    if (this.point !== point) return;
    if (--this.remaining > 0) return;
    process.kill(process.pid, 'SIGKILL');
  }
}
