import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared/data next to the repo: reference candles that are not shipped with the package. */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA, 'README.md'));
export const SKIP_REASON = `SKIPPED: reference data folder ${SHARED_DATA} is absent`;

export function sharedFile(name: string): string {
  return join(SHARED_DATA, name);
}
