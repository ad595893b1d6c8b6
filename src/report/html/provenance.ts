import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CandleSeries } from '../../core/candles.js';

/** sha256 of a file's bytes, streamed (candle files can be large); null when it cannot be read. */
export async function fileSha256(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}

/**
 * sha256 of the candles themselves, whatever file format held them: for each candle its time,
 * open, high, low, close and volume as little-endian float64, in order.
 */
export function candlesSha256(s: CandleSeries): string {
  const hash = createHash('sha256');
  const row = new Float64Array(6);
  const bytes = new Uint8Array(row.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let i = 0; i < s.length; i++) {
    row[0] = s.time[i]!;
    row[1] = s.open[i]!;
    row[2] = s.high[i]!;
    row[3] = s.low[i]!;
    row[4] = s.close[i]!;
    row[5] = s.volume[i]!;
    if (!little) for (let k = 0; k < 6; k++) bytes.subarray(k * 8, k * 8 + 8).reverse();
    hash.update(bytes);
  }
  return hash.digest('hex');
}
