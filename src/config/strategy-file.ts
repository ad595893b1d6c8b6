import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { isStrategyFile } from '../strategies/is-strategy-file.js';
import type { LoadedConfig } from './load-config.js';

/**
 * A strategy file is code that runs with the user's rights. When the strategy in effect is a file
 * named by a config file that the directory search found (not one named with --config, not a
 * --strategy flag), it must lie inside that config file's directory tree: a config dropped in a
 * parent directory cannot point tradebot at a module anywhere on disk. Returns the absolute path
 * that will be imported (for the caller to announce), or null when no such file is in effect.
 */
export function searchedStrategyFile(loaded: LoadedConfig, from: { explicitConfig: boolean; strategyFlag: boolean }): string | null {
  if (from.explicitConfig || from.strategyFlag || loaded.filepath === null) return null;
  const named = loaded.config.strategy?.name;
  if (typeof named !== 'string' || !isStrategyFile(named)) return null;
  const dir = path.dirname(loaded.filepath);
  // symlinks resolved where they exist, so a link inside the tree cannot lead out of it
  if (!isInside(real(named), real(dir))) {
    throw new UsageError(`${loaded.filepath}: strategy file ${named} is outside the directory of the config file (${dir}); refusing to run it (move it below ${dir}, or pass --strategy explicitly)`);
  }
  return named;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The line announcing it, on stderr, before it is imported. */
export function strategyFileNotice(file: string): string {
  return `strategy file ${file} (runs as code)\n`;
}
