import { UsageError } from '../core/errors.js';
import { didYouMean } from '../config/did-you-mean.js';
import { describeRange } from '../strategies/params.js';
import type { ParamSpec, StrategyDefinition } from '../strategies/types.js';

/** A value a space can take; null switches a protection off. */
export type SpaceValue = number | string | boolean | null;
/** One point of the search: a value per space, keyed by the space's name. */
export type Point = Record<string, SpaceValue>;

/** The protections a space can search, by name as written on the command line. */
export const PROTECTIONS = { 'stop-loss': 'stopLoss', 'take-profit': 'takeProfit', 'trailing-stop': 'trailingStop' } as const;
export type ProtectionKey = (typeof PROTECTIONS)[keyof typeof PROTECTIONS];

/**
 * One searched dimension: a strategy parameter or a protection, over a numeric range (`min:max`,
 * continuous, or `min:max:step`) or a list of choices.
 */
export interface Space {
  name: string;
  target: { kind: 'param'; param: string } | { kind: 'protection'; key: ProtectionKey };
  type: 'int' | 'number' | 'boolean' | 'string';
  range?: { min: number; max: number; step: number | null };
  choices?: SpaceValue[];
}

/** The JSON form of a space, as the trial log and the result document carry it. */
export function describeSpace(s: Space): Record<string, unknown> {
  return {
    name: s.name,
    kind: s.target.kind,
    ...(s.target.kind === 'param' ? { param: s.target.param } : { key: s.target.key }),
    type: s.type,
    ...(s.range ? { min: s.range.min, max: s.range.max, step: s.range.step } : {}),
    ...(s.choices ? { choices: s.choices } : {}),
  };
}

/** The spaces back from their JSON form (a merge has only the logs). */
export function spacesFromDescribed(described: readonly Record<string, unknown>[]): Space[] {
  return described.map((d) => ({
    name: d.name as string,
    target: d.kind === 'param' ? { kind: 'param', param: d.param as string } : { kind: 'protection', key: d.key as ProtectionKey },
    type: d.type as Space['type'],
    ...(d.choices ? { choices: d.choices as SpaceValue[] } : { range: { min: d.min as number, max: d.max as number, step: d.step as number | null } }),
  }));
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const PROTECTION_SPEC = { min: 0, max: 1 } as const;

/**
 * `--space` flags against the strategy's parameter schema. With none, every parameter with a range
 * (or choices, or a boolean) in the schema is searched over its whole range. Every problem is a
 * UsageError naming the flag.
 */
export function parseSpaces(flags: readonly string[], def: StrategyDefinition, fixed: Record<string, unknown> = {}): Space[] {
  if (flags.length === 0) return schemaSpaces(def, fixed);
  const spaces: Space[] = [];
  for (const flag of flags) {
    const s = parseSpace(flag, def);
    if (spaces.some((o) => sameTarget(o, s))) throw new UsageError(`--space ${s.name} is given twice`);
    if (s.target.kind === 'param' && s.target.param in fixed) throw new UsageError(`--space ${s.name} also has a fixed value (--param or the config's strategy.params): give one or the other`);
    spaces.push(s);
  }
  return spaces;
}

function sameTarget(a: Space, b: Space): boolean {
  if (a.target.kind === 'param' && b.target.kind === 'param') return a.target.param === b.target.param;
  if (a.target.kind === 'protection' && b.target.kind === 'protection') return a.target.key === b.target.key;
  return false;
}

function parseSpace(flag: string, def: StrategyDefinition): Space {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`--space ${JSON.stringify(flag)} must look like name=min:max[:step] or name=a,b,c`);
  const name = flag.slice(0, eq).trim();
  const body = flag.slice(eq + 1).trim();
  const where = `--space ${flag}`;
  let target: Space['target'];
  let spec: ParamSpec;
  if (Object.hasOwn(def.params, name)) {
    target = { kind: 'param', param: name };
    spec = def.params[name]!;
  } else {
    const key = protectionKey(name);
    if (!key) {
      const names = [...Object.keys(def.params), ...Object.keys(PROTECTIONS)];
      const hint = didYouMean(name, names);
      throw new UsageError(`${where}: strategy ${def.name} has no parameter ${name}${hint ? ` (did you mean ${hint}?)` : ''}; spaces can search: ${names.join(', ')}`);
    }
    target = { kind: 'protection', key };
    spec = { type: 'number', default: 0, ...PROTECTION_SPEC, description: '' };
  }
  const display = target.kind === 'protection' ? dashed(target.key) : name;
  if (body === '') throw new UsageError(`${where}: the space is empty`);
  if (body.includes(':') && spec.type !== 'boolean' && spec.type !== 'string') {
    return { name: display, target, type: spec.type, range: parseRange(body, spec, where, target.kind === 'protection') };
  }
  const items = body.split(',').map((x) => x.trim());
  if (items.some((x) => x === '')) throw new UsageError(`${where}: the list of choices has an empty item`);
  const choices = items.map((x) => coerceChoice(x, spec, where, target.kind === 'protection'));
  if (new Set(choices.map((c) => JSON.stringify(c))).size !== choices.length) throw new UsageError(`${where}: a choice is listed twice`);
  return { name: display, target, type: spec.type, choices };
}

function protectionKey(name: string): ProtectionKey | undefined {
  const key = (PROTECTIONS as Record<string, ProtectionKey>)[name];
  if (key) return key;
  return (Object.values(PROTECTIONS) as string[]).includes(name) ? (name as ProtectionKey) : undefined;
}

function dashed(key: ProtectionKey): string {
  return Object.entries(PROTECTIONS).find(([, k]) => k === key)![0];
}

function parseRange(body: string, spec: ParamSpec, where: string, protection: boolean): NonNullable<Space['range']> {
  const parts = body.split(':').map((x) => x.trim());
  if (parts.length < 2 || parts.length > 3) throw new UsageError(`${where}: expected min:max or min:max:step`);
  const nums = parts.map((p) => {
    if (!NUMBER_RE.test(p)) throw new UsageError(`${where}: ${JSON.stringify(p)} is not a number`);
    return Number(p);
  });
  const [min, max] = nums as [number, number];
  let step: number | null = nums.length === 3 ? nums[2]! : spec.type === 'int' ? 1 : null;
  if (step !== null && !(step > 0)) throw new UsageError(`${where}: the step must be above 0`);
  if (spec.type === 'int' && [min, max, step!].some((v) => !Number.isInteger(v))) throw new UsageError(`${where}: parameter is an integer, so min, max and step must be integers`);
  if (min > max) throw new UsageError(`${where}: the space is empty (min ${min} is above max ${max})`);
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  const lowOk = protection ? min > 0 : min >= lo;
  if (!lowOk || max > hi) {
    const allowed = protection ? 'a fraction above 0 and at most 1' : describeRange(spec);
    throw new UsageError(`${where}: outside the allowed range (${allowed})`);
  }
  if (step !== null) {
    const k = (max - min) / step;
    if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) throw new UsageError(`${where}: the step ${step} does not divide ${min}:${max} into whole steps`);
  }
  return { min, max, step };
}

function coerceChoice(raw: string, spec: ParamSpec, where: string, protection: boolean): SpaceValue {
  if (protection && (raw === 'none' || raw === 'off')) return null;
  switch (spec.type) {
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new UsageError(`${where}: ${JSON.stringify(raw)} is not true or false`);
    case 'string':
      if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${where}: ${JSON.stringify(raw)} is not allowed (${describeRange(spec)})`);
      return raw;
    default: {
      if (!NUMBER_RE.test(raw)) throw new UsageError(`${where}: ${JSON.stringify(raw)} is not a number`);
      const n = Number(raw);
      if (spec.type === 'int' && !Number.isInteger(n)) throw new UsageError(`${where}: ${raw} is not an integer`);
      const ok = protection ? n > 0 && n <= 1 : (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
      if (!ok) throw new UsageError(`${where}: ${raw} is outside the allowed range (${protection ? 'a fraction above 0 and at most 1, or none' : describeRange(spec)})`);
      return n;
    }
  }
}

/** No --space: the schema's own ranges. Parameters given a fixed value are not searched. */
function schemaSpaces(def: StrategyDefinition, fixed: Record<string, unknown>): Space[] {
  const spaces: Space[] = [];
  for (const [name, spec] of Object.entries(def.params)) {
    if (name in fixed) continue;
    const target = { kind: 'param' as const, param: name };
    if (spec.type === 'boolean') spaces.push({ name, target, type: spec.type, choices: [false, true] });
    else if (spec.type === 'string') {
      if (spec.choices && spec.choices.length > 0) spaces.push({ name, target, type: spec.type, choices: [...spec.choices] });
    } else {
      if (spec.min === undefined || spec.max === undefined) {
        throw new UsageError(`strategy ${def.name}: parameter ${name} has no min and max in its schema, so it has no range to search: give --space ${name}=min:max`);
      }
      spaces.push({ name, target, type: spec.type, range: { min: spec.min, max: spec.max, step: spec.type === 'int' ? 1 : null } });
    }
  }
  if (spaces.length === 0) throw new UsageError(`strategy ${def.name} has no parameter to search: give --space name=min:max`);
  return spaces;
}

/** A point as people read it: `fast=12 slow=26 stop-loss=none`. */
export function formatPoint(p: Point): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v === null ? 'none' : String(v)}`)
    .join(' ');
}

/** The values of a space on a grid; a continuous range has none (it needs a step). */
export function gridValues(s: Space): SpaceValue[] {
  if (s.choices) return s.choices;
  const r = s.range!;
  if (r.step === null) throw new UsageError(`--space ${s.name}=${r.min}:${r.max} is continuous: a grid needs a step (${s.name}=${r.min}:${r.max}:STEP), or use --search random or tpe`);
  const k = Math.round((r.max - r.min) / r.step);
  const out: number[] = [];
  for (let i = 0; i <= k; i++) out.push(stepValue(r.min, r.step, i));
  return out;
}

/** min + i·step without the float noise of the sum (0.005·3 is 0.015, not 0.015000000000000001). */
export function stepValue(min: number, step: number, i: number): number {
  return Number((min + i * step).toPrecision(12));
}
