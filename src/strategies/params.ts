import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import type { ParamSpec, ParamValue, ParamValues, StrategyDefinition } from './types.js';

/** `k=v` pairs from --param, values still strings. */
export function parseParamFlags(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${JSON.stringify(f)} must look like name=value`);
    out[f.slice(0, eq).trim()] = f.slice(eq + 1).trim();
  }
  return out;
}

export function describeRange(spec: ParamSpec): string {
  if (spec.choices) return `one of ${spec.choices.join(', ')}`;
  if (spec.type === 'boolean') return 'true or false';
  const kind = spec.type === 'int' ? 'an integer' : 'a number';
  if (spec.min !== undefined && spec.max !== undefined) return `${kind} from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return `${kind} >= ${spec.min}`;
  if (spec.max !== undefined) return `${kind} <= ${spec.max}`;
  return kind;
}

function coerce(name: string, spec: ParamSpec, raw: unknown, strategy: string): ParamValue {
  const bad = () => new UsageError(`strategy ${strategy}: parameter ${name} must be ${describeRange(spec)}, got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw bad();
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') throw bad();
      if (spec.choices && !spec.choices.includes(String(raw))) throw bad();
      return String(raw);
    default: {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw bad();
      if (spec.type === 'int' && !Number.isInteger(n)) throw bad();
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) throw bad();
      return n;
    }
  }
}

/** Validate user-supplied parameters against a strategy's schema and fill in the defaults. */
export function resolveParams(def: StrategyDefinition, given: Record<string, unknown>): ParamValues {
  const names = Object.keys(def.params);
  for (const k of Object.keys(given)) {
    if (!(k in def.params)) {
      const hint = didYouMean(k, names);
      throw new UsageError(
        `strategy ${def.name} has no parameter ${k}${hint ? ` (did you mean ${hint}?)` : ''}; its parameters: ${names.join(', ') || 'none'}`,
      );
    }
  }
  const out: ParamValues = {};
  for (const [k, spec] of Object.entries(def.params)) out[k] = k in given ? coerce(k, spec, given[k], def.name) : spec.default;
  const problem = def.validate?.(out);
  if (problem) throw new UsageError(`strategy ${def.name}: ${problem}`);
  return out;
}
