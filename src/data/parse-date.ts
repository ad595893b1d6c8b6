import { UsageError } from '../core/errors.js';

/** Epoch values below this are seconds, at or above it milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_SECONDS_LIMIT = 1e11;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Reads exactly `n` ASCII digits of `s` at `i`; -1 when any is not a digit. */
function digits(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parses an ISO 8601 date or date-time into epoch ms, NaN when it is not one. Hand-written
 * (no regex) because candle files may hold one per row.
 *
 * Accepted: `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff…`,
 * then optionally `Z` or an offset `±HH:MM` / `±HHMM` / `±HH`. No offset means UTC.
 */
export function parseIsoTimestamp(s: string): number {
  const n = s.length;
  const y = digits(s, 0, 4);
  if (y < 0 || s.charCodeAt(4) !== 45 /* - */) return NaN;
  const mo = digits(s, 5, 2);
  if (mo < 1 || mo > 12 || s.charCodeAt(7) !== 45) return NaN;
  const d = digits(s, 8, 2);
  const dim = mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!;
  if (d < 1 || d > dim) return NaN;
  if (n === 10) return Date.UTC(y, mo - 1, d);

  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return NaN;
  const h = digits(s, 11, 2);
  if (h < 0 || h > 23 || s.charCodeAt(13) !== 58 /* : */) return NaN;
  const mi = digits(s, 14, 2);
  if (mi < 0 || mi > 59) return NaN;
  let i = 16;
  let sec = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58) {
    sec = digits(s, i + 1, 2);
    if (sec < 0 || sec > 59) return NaN;
    i += 3;
    if (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44 /* , */) {
      i++;
      const start = i;
      let scale = 100;
      while (i < n) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        ms += c * scale; // digits past milliseconds are truncated
        scale /= 10;
        i++;
      }
      if (i === start) return NaN;
      ms = Math.floor(ms);
    }
  }
  let offsetMin = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if (z === 90 /* Z */ || z === 122 /* z */) {
      i++;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const oh = digits(s, i + 1, 2);
      if (oh < 0 || oh > 23) return NaN;
      i += 3;
      let om = 0;
      if (i < n) {
        if (s.charCodeAt(i) === 58) i++;
        om = digits(s, i, 2);
        if (om < 0 || om > 59) return NaN;
        i += 2;
      }
      offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return NaN;
    }
  }
  if (i !== n) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
}

/**
 * A date given on the command line (`--from`, `--to`…) as epoch ms. Accepts ISO dates and date-times
 * (`2024-01-01`, `2024-01-01T12:00`, `2024-01-01 12:00:00Z`, `2024-01-01T12:00+02:00`; no offset = UTC)
 * and epoch seconds or milliseconds as a digit string (below 1e11 = seconds).
 * `name` is what the user typed it as, for the error message.
 */
export function parseDate(input: string, name: string): number {
  const s = input.trim();
  if (s.length > 0 && digits(s, 0, s.length) >= 0) {
    const v = Number(s);
    if (Number.isSafeInteger(v)) return v < EPOCH_SECONDS_LIMIT ? v * 1000 : v;
  }
  const t = parseIsoTimestamp(s);
  if (Number.isNaN(t)) {
    throw new UsageError(
      `${name} ${JSON.stringify(input)} is not a date (expected e.g. 2024-01-01, 2024-01-01T12:00Z, or epoch seconds/ms)`,
    );
  }
  return t;
}

/** Epoch ms as ISO 8601 UTC: `2024-01-01T00:00:00.000Z`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
