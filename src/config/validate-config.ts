/**
 * Config validation, done before any work starts. Every problem names the source, the full dotted
 * key, what was expected and what was found:
 *   tradebot.config.yaml: risk.stopLoss must be a fraction between 0 and 1 (greater than 0), got "abc"
 * All problems are collected; the thrown ConfigError's message is the first (one line per error is
 * the project rule) and `problems` holds them all for `tradebot config validate`.
 */
import { UsageError } from '../core/errors.js';
import { didYouMean } from './did-you-mean.js';
import {
  CONFIG_SCHEMA,
  formatValue,
  isObjectField,
  schemaLeaves,
  type AnySchemaFields,
  type ConfigInput,
} from './schema.js';

/** A bad config file or value (exit code 2). `message` is the first problem; `problems` lists all. */
export class ConfigError extends UsageError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    const list = problems.length > 0 ? [...problems] : ['invalid configuration'];
    super(list[0]!, options);
    this.problems = Object.freeze(list);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const ALL_LEAF_PATHS = schemaLeaves().map((l) => l.path);

function unknownKeyProblem(source: string, path: string, key: string, siblings: readonly string[]): string {
  const full = path ? `${path}.${key}` : key;
  // flat dotted keys ("risk.stopLoss: 0.02") are a common YAML slip
  if (key.includes('.') && ALL_LEAF_PATHS.includes(full)) {
    return `${source}: unknown key "${full}": nest it instead (${full.split('.').join(': { ')}: ...${' }'.repeat(full.split('.').length - 1)})`;
  }
  const sibling = didYouMean(key, siblings);
  if (sibling !== undefined) return `${source}: unknown key "${full}" (did you mean "${path ? `${path}.${sibling}` : sibling}"?)`;
  // the right key at the wrong level: top-level "stopLoss" -> "risk.stopLoss"
  const byLeafName = new Map(ALL_LEAF_PATHS.map((p) => [p.slice(p.lastIndexOf('.') + 1), p] as const));
  const leafName = didYouMean(key, [...byLeafName.keys()]);
  const elsewhere = leafName === undefined ? undefined : byLeafName.get(leafName);
  if (elsewhere !== undefined && elsewhere !== full) return `${source}: unknown key "${full}" (did you mean "${elsewhere}"?)`;
  return `${source}: unknown key "${full}" (valid keys${path ? ` under ${path}` : ''}: ${siblings.join(', ')})`;
}

/** A sub-key as part of a dotted key: quoted unless it is a plain name. */
function subKeyText(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
}

function walk(fields: AnySchemaFields, input: Record<string, unknown>, path: string, source: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(fields);
  for (const key of Object.keys(input)) {
    const value = input[key];
    const node = Object.hasOwn(fields, key) ? fields[key] : undefined;
    const full = path ? `${path}.${key}` : key;
    if (node === undefined) {
      // a secret's place is the environment or the secrets file, never a config file
      if (path === 'notify.telegram' && /token/i.test(key)) {
        problems.push(`${source}: ${full} is never read from a config file: set TRADEBOT_TELEGRAM_TOKEN, or telegramToken in the secrets file (secretsFile)`);
        continue;
      }
      problems.push(unknownKeyProblem(source, path, key, known));
      continue;
    }
    if (value === undefined) continue;
    if (isObjectField(node)) {
      // "risk:" with every child commented out parses as null: treat it as empty
      if (value === null) continue;
      if (!isPlainObject(value)) {
        problems.push(`${source}: ${full} must be a mapping of keys (${Object.keys(node.fields).join(', ')}), got ${formatValue(value)}`);
        continue;
      }
      out[key] = walk(node.fields, value, full, source, problems);
      continue;
    }
    if (value === null) {
      if (node.nullable) out[key] = null;
      else problems.push(`${source}: ${full} must be ${node.expected}, got null`);
      continue;
    }
    const leafProblems = node.check(value);
    if (leafProblems !== undefined) {
      for (const p of leafProblems) problems.push(`${source}: ${p.subKey === undefined ? full : /^\d+$/.test(p.subKey) && Array.isArray(value) ? `${full}[${p.subKey}]` : `${full}.${subKeyText(p.subKey)}`} ${p.message}`);
      continue;
    }
    out[key] = isPlainObject(value) ? Object.fromEntries(Object.entries(value)) : value;
  }
  return out;
}

/**
 * List every problem in a raw config object (parsed YAML/JSON, or values gathered from flags).
 * `source` prefixes each problem: a file name, "package.json#tradebot", "command line".
 * null/undefined (an empty file) is an empty config.
 */
export function configProblems(raw: unknown, source: string): { config: ConfigInput; problems: string[] } {
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { config: {}, problems };
  if (!isPlainObject(raw)) {
    problems.push(`${source}: the configuration must be a mapping of keys to values, got ${formatValue(raw)}`);
    return { config: {}, problems };
  }
  const config = walk(CONFIG_SCHEMA, raw, '', source, problems) as ConfigInput;
  return { config, problems };
}

/**
 * Validate a raw config object and return it as a ConfigInput holding only known keys (a fresh
 * object; the input is not modified). Throws ConfigError listing every problem.
 */
export function validateConfig(raw: unknown, source: string): ConfigInput {
  const { config, problems } = configProblems(raw, source);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
