/**
 * Integers as zig-zag LEB128 varints in base64: the compact form the HTML report embeds its
 * candle and equity columns in (a BTC 1m close-to-close step is 1-3 bytes instead of ~10 chars of
 * JSON). The page decodes it with the same scheme (client/decode.ts).
 */
const ZIGZAG_MAX = 2 ** 52 - 1;

export function packInts(values: ArrayLike<number>): string {
  const bytes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // zig-zag doubles the magnitude: beyond 2^52 it would no longer be exact
    if (!Number.isInteger(v) || Math.abs(v) > ZIGZAG_MAX) throw new RangeError(`packInts: ${v} at ${i} is not an integer within ±2^52`);
    // zig-zag without 32-bit operators: the values may exceed 2^31 (equity in small units)
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    while (z >= 128) {
      bytes.push((z % 128) + 128);
      z = Math.floor(z / 128);
    }
    bytes.push(z);
  }
  return Buffer.from(bytes).toString('base64');
}

/** The inverse of packInts (for tests; the page has its own copy). */
export function unpackInts(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const out: number[] = [];
  let z = 0;
  let mul = 1;
  for (const b of bytes) {
    z += (b & 127) * mul;
    if (b < 128) {
      out.push(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
      z = 0;
      mul = 1;
    } else mul *= 128;
  }
  return out;
}

/**
 * The smallest number of decimals (0-8) at which every value is a whole number of units: prices
 * quantised at their own tick lose nothing. Values finer than 8 decimals are rounded there.
 */
export function decimalsOf(values: ArrayLike<number>, max = 8): number {
  let d = 0;
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    while (d < max && offGrid(v * scale)) {
      d++;
      scale *= 10;
    }
  }
  return d;
}

function offGrid(x: number): boolean {
  return Math.abs(x - Math.round(x)) > Math.max(1e-6, Math.abs(x) * 1e-12);
}
