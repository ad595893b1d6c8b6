import type { MonthlyReturns } from './page-data.js';

/**
 * A month's return is its last equity over the last equity of the month before (the start
 * equity for the first month), minus one; a month with no point is null.
 */
export function monthlyReturns(time: ArrayLike<number>, equity: ArrayLike<number>, startEquity: number): MonthlyReturns {
  const lastOfMonth = new Map<number, number>(); // year*12+month -> equity
  for (let i = 0; i < time.length; i++) {
    const d = new Date(time[i]!);
    lastOfMonth.set(d.getUTCFullYear() * 12 + d.getUTCMonth(), equity[i]!);
  }
  const keys = [...lastOfMonth.keys()].sort((a, b) => a - b);
  const years = new Map<number, { year: number; months: (number | null)[]; total: number }>();
  let prev = startEquity;
  let yearStart = startEquity;
  let currentYear = NaN;
  for (const key of keys) {
    const year = Math.floor(key / 12);
    const e = lastOfMonth.get(key)!;
    if (year !== currentYear) {
      currentYear = year;
      yearStart = prev;
      years.set(year, { year, months: new Array<number | null>(12).fill(null), total: 0 });
    }
    const row = years.get(year)!;
    row.months[key % 12] = prev !== 0 ? e / prev - 1 : 0;
    row.total = yearStart !== 0 ? e / yearStart - 1 : 0;
    prev = e;
  }
  return { years: [...years.values()] };
}
