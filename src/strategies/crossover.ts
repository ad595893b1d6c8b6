/**
 * Crossing detection with backtrader's "non-zero difference" rule: a cross up happens when the
 * last non-zero difference a-b before this bar was negative and a > b now (and mirrored for a
 * cross down). A bar where the lines touch (a == b) does not reset the side they were on.
 */
export class Crossover {
  private nzd = NaN;

  /** +1 for a cross up, -1 for a cross down, 0 otherwise (also while inputs warm up as NaN). */
  update(a: number, b: number): number {
    if (a !== a || b !== b) return 0;
    const d = a - b;
    const prev = this.nzd;
    if (d !== 0 || prev !== prev) this.nzd = d;
    if (prev !== prev) return 0;
    if (prev < 0 && d > 0) return 1;
    if (prev > 0 && d < 0) return -1;
    return 0;
  }
}
