/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) so that searches and Monte
 * Carlo runs are reproducible from `--seed` on every platform. Math.random cannot be seeded.
 *
 * Each consumer takes its own stream: `new Rng(seed, purpose, index)` for trial `index` of a random
 * search, for instance, so a trial's draw does not depend on which process or shard runs it.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, ...stream: number[]) {
    // splitmix32 over the seed's two 32-bit halves and the stream numbers
    let h = 0x9e3779b9;
    const mix = (x: number): void => {
      h = (h + Math.imul(x | 0, 0x85ebca6b) + 0x9e3779b9) | 0;
      let t = h ^ (h >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      h = t ^ (t >>> 15);
    };
    mix(seed >>> 0);
    mix(Math.floor(seed / 0x1_0000_0000) >>> 0);
    for (const s of stream) mix(s >>> 0);
    const next = (): number => {
      mix(0x632be5ab);
      return h >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n), without modulo bias (n ≤ 2^32). */
  int(n: number): number {
    if (!(n >= 1 && n <= 0x1_0000_0000) || !Number.isInteger(n)) throw new RangeError(`Rng.int(${n}): n must be an integer from 1 to 2^32`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[] | Float64Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Stream numbers, so that two uses of one seed never share a sequence. */
export const STREAM = {
  randomSearch: 1,
  tpe: 2,
  bootstrap: 3,
  shuffle: 4,
} as const;
