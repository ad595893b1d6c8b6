import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The webhook's shared secret, compared in constant time: both sides are hashed first, so the
 * comparison takes the same time whatever the length or the first wrong character of a guess.
 */
export function secretMatches(given: unknown, expected: string): boolean {
  const a = createHash('sha256').update(typeof given === 'string' ? given : '').digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && typeof given === 'string';
}
