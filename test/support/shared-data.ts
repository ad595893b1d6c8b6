import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/**
 * ../shared/data next to the repo: reference candles that are not shipped with the package
 * (TRADEBOT_SHARED_DATA points elsewhere).
 */
export const SHARED_DATA = process.env.TRADEBOT_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA, 'README.md'));
/** Set by .ci/run: a test that needs the reference data fails when it is absent, instead of skipping. */
export const REQUIRE_SHARED_DATA = process.env.TRADEBOT_REQUIRE_SHARED_DATA === '1';
export const SKIP_REASON = `SKIPPED: reference data folder ${SHARED_DATA} is absent`;

export function sharedFile(name: string): string {
  return join(SHARED_DATA, name);
}

/**
 * A describe block of tests on the reference data. Present: it runs. Absent: it is skipped with
 * a message, or, under TRADEBOT_REQUIRE_SHARED_DATA=1 (CI), it is one failing test saying why.
 */
export function describeSharedData(title: string, fn: () => void): void {
  if (HAS_SHARED_DATA) {
    describe(`${title} (shared data present)`, fn);
  } else if (REQUIRE_SHARED_DATA) {
    describe(title, () => {
      it('has the reference data it needs', () => {
        throw new Error(`the reference data folder ${SHARED_DATA} is absent, and TRADEBOT_REQUIRE_SHARED_DATA=1 (CI) does not let these tests skip`);
      });
    });
  } else {
    describe.skip(`${title} (${SKIP_REASON})`, fn);
  }
}
