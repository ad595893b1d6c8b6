import type { Command } from 'commander';
import { UsageError } from '../src/core/errors.js';
import type { ConfigInput } from '../src/config/schema.js';
import { validateConfig } from '../src/config/validate-config.js';
import { parseParamFlags } from '../src/strategies/params.js';

/**
 * Flag -> config key. Every flag has a config-file equivalent; only flags actually given on the
 * command line override the config (commander's defaults are for --help only).
 */
export type FlagMap = Record<string, { path: string; kind: 'string' | 'number' | 'boolean' | 'params' }>;

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A config fragment holding the flags given on the command line, validated like a config file. */
export function flagsToConfig(cmd: Command, map: FlagMap): ConfigInput {
  const opts = cmd.opts();
  const out: Record<string, unknown> = {};
  for (const [flag, { path, kind }] of Object.entries(map)) {
    if (cmd.getOptionValueSource(flag) !== 'cli') continue;
    let value: unknown = opts[flag];
    if (kind === 'number') value = toNumber(value, flag);
    if (kind === 'params') value = parseParamFlags(value as string[]);
    setPath(out, path, value);
  }
  return validateConfig(out, 'command line');
}

function toNumber(v: unknown, flag: string): number {
  const n = Number(v);
  const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (typeof v !== 'string' || !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) || !Number.isFinite(n)) throw new UsageError(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  return n;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]!] = value;
}
