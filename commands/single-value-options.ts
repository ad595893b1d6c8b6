import type { Command } from 'commander';
import { UsageError } from '../src/core/errors.js';
import { collect } from './collect.js';

/**
 * A flag that takes one value, given twice (`--strategy rsi --strategy macd`), is a usage error:
 * commander keeps the last one silently. Repeatable flags say so by accumulating with `collect`
 * (`--param`), or are variadic. Applied to every option of every command, here, once.
 */
export function refuseRepeatedOptions(cmd: Command): void {
  for (const opt of cmd.options) {
    const takesValue = opt.required || opt.optional;
    if (!takesValue || opt.variadic || opt.parseArg === collect) continue;
    const flag = opt.long ?? opt.short ?? opt.name();
    let first: unknown;
    let seen = false;
    cmd.on(`option:${opt.name()}`, (value: unknown) => {
      if (seen) throw new UsageError(`${flag} was given twice (${show(first)}, then ${show(value)}): it takes one value`);
      seen = true;
      first = value;
    });
  }
  for (const sub of cmd.commands) refuseRepeatedOptions(sub);
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
