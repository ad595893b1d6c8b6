import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import { isStrategyFile } from './is-strategy-file.js';
import type { StrategyDefinition } from './types.js';
import { emaCross } from './ema-cross.js';
import { rsiReversion } from './rsi.js';
import { bollingerBreakout } from './bollinger.js';
import { macdCross } from './macd.js';
import { webhookStrategy } from '../signals/webhook-strategy.js';
import { httpSignalStrategy } from '../signals/http-signal-strategy.js';

export const BUILT_IN_STRATEGIES: readonly StrategyDefinition[] = [emaCross, rsiReversion, bollingerBreakout, macdCross, webhookStrategy, httpSignalStrategy];

/** What loads a strategy again from anywhere: a built-in's name, or a strategy file's absolute path. */
export function strategySource(name: string, cwd: string): string {
  return isStrategyFile(name) ? resolve(cwd, name) : name;
}

/** A built-in by name, or a user strategy file (an ES module exporting a StrategyDefinition). */
export async function loadStrategy(name: string, cwd: string): Promise<StrategyDefinition> {
  if (!isStrategyFile(name)) {
    const found = BUILT_IN_STRATEGIES.find((s) => s.name === name);
    if (found) return found;
    const names = BUILT_IN_STRATEGIES.map((s) => s.name);
    const hint = didYouMean(name, names);
    throw new UsageError(
      `unknown strategy ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}; available: ${names.join(', ')}, or a path to a .js file`,
    );
  }
  const file = resolve(cwd, name);
  if (!existsSync(file)) throw new UsageError(`strategy file not found: ${name}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`strategy file ${name} failed to load: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const def = (mod.default ?? mod.strategy) as Partial<StrategyDefinition> | undefined;
  const problem = checkDefinition(def);
  if (problem) throw new UsageError(`strategy file ${name}: ${problem}`);
  return def as StrategyDefinition;
}

function checkDefinition(def: Partial<StrategyDefinition> | undefined): string | undefined {
  if (!def || typeof def !== 'object') return 'must export default { name, params, create }';
  if (typeof def.name !== 'string' || def.name === '') return 'the export needs a string "name"';
  if (typeof def.create !== 'function') return 'the export needs a function "create(params, tools)"';
  if (def.params !== undefined && (typeof def.params !== 'object' || def.params === null)) return '"params" must be an object';
  for (const [k, spec] of Object.entries(def.params ?? {})) {
    if (!spec || !['int', 'number', 'boolean', 'string'].includes(spec.type)) return `parameter ${k} needs a type of int, number, boolean or string`;
  }
  if (def.params === undefined) (def as StrategyDefinition).params = {};
  if (def.description === undefined) (def as StrategyDefinition).description = '';
  return undefined;
}
