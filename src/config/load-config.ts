/**
 * Finding, reading and combining configuration.
 *
 * Search (when no --config is given): in the working directory, then each parent directory up to
 * the stop directory, the first of these files wins:
 *   tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json ("tradebot" property)
 * The stop directory is the user's home directory when the working directory is inside it;
 * otherwise the nearest project root (a directory holding package.json or .git), else the working
 * directory alone, so a stray /tmp/.tradebotrc.yaml is never picked up.
 *
 * Nothing read while looking for configuration runs as code: the search is ours, a fixed list of
 * data files parsed as YAML or JSON. (cosmiconfig, used before, always runs a "meta config"
 * `.config/config.{js,cjs,mjs,ts}` of the working directory, and cannot be told not to.)
 * No global config directory, no `$import`.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, validateConfig } from './validate-config.js';
import { isStrategyFile } from '../strategies/is-strategy-file.js';
import { firstLine, parseJsonConfig, parseYamlConfigLazily } from './parse-config-text.js';
import {
  CONFIG_DEFAULTS,
  CONFIG_SCHEMA,
  configDefaults,
  isObjectField,
  type AnySchemaFields,
  type ConfigInput,
  type StrategyParams,
  type TradebotConfig,
} from './schema.js';

export { parseJsonConfig } from './parse-config-text.js';

/** The property holding tradebot's config in package.json. */
export const PACKAGE_PROP = 'tradebot';
/** Checked in this order in each directory. */
export const CONFIG_SEARCH_PLACES = ['tradebot.config.yaml', '.tradebotrc.yaml', '.tradebotrc.json', 'package.json'] as const;

export interface LoadConfigOptions {
  /** where the search starts and what --config is relative to */
  cwd: string;
  /** --config FILE: load exactly this file (.yaml, .yml or .json), no search */
  configFile?: string;
  /** last directory searched; default: see searchStopDir() */
  stopDir?: string;
}

export interface LoadedConfig {
  /** validated; only known keys */
  config: ConfigInput;
  /** absolute path of the file read, or null when none was found */
  filepath: string | null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** How a file is named in messages: relative to cwd when below it, else absolute. */
function displayPath(filepath: string, cwd: string): string {
  const rel = path.relative(cwd, filepath);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filepath;
}

function isPackageJson(filepath: string): boolean {
  return path.basename(filepath) === 'package.json';
}

function rejectImport(content: unknown, source: string): void {
  if (content !== null && typeof content === 'object' && Object.hasOwn(content, '$import')) {
    throw new ConfigError([`${source}: unknown key "$import" (config files cannot import other files)`]);
  }
}

// ---------------------------------------------------------------------------------------------
// Search

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where the upward search stops (inclusive): `home` if `cwd` is inside it; otherwise the nearest
 * directory at or above `cwd` holding package.json or .git; otherwise `cwd` itself.
 */
export function searchStopDir(cwd: string, home: string = os.homedir()): string {
  const start = path.resolve(cwd);
  if (home && isInside(start, path.resolve(home))) return path.resolve(home);
  for (let dir = start; ; ) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** The directories searched, nearest first, up to and including `stopDir` (or the root). */
function searchDirs(start: string, stopDir: string): string[] {
  const dirs = [start];
  for (let dir = start; dir !== stopDir; ) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dirs.push(parent);
    dir = parent;
  }
  return dirs;
}

/** A search place's text, or null when there is no such file here (absent, a directory, a path through a file). */
async function readSearchPlace(file: string, start: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    // a config file that exists but cannot be read is not skipped: it may hold risk limits
    throw new ConfigError([`${displayPath(file, start)}: cannot read config: ${code ?? firstLine((err as Error).message)}`], { cause: err });
  }
}

async function searchConfig(cwd: string, stopDir: string): Promise<LoadedConfig> {
  const start = path.resolve(cwd);
  for (const dir of searchDirs(start, path.resolve(stopDir))) {
    for (const place of CONFIG_SEARCH_PLACES) {
      const filepath = path.join(dir, place);
      const text = await readSearchPlace(filepath, start);
      if (text === null) continue;
      const shown = displayPath(filepath, start);
      if (isPackageJson(filepath)) {
        const pkg = parseJsonConfig(text, shown);
        const raw = pkg !== null && typeof pkg === 'object' && !Array.isArray(pkg) ? (pkg as Record<string, unknown>)[PACKAGE_PROP] : undefined;
        if (raw === undefined) continue; // a package.json of something else: keep looking upward
        const source = `${shown}#${PACKAGE_PROP}`;
        rejectImport(raw, source);
        return { config: validateConfig(raw ?? undefined, source), filepath };
      }
      // an empty or comment-only file is an (empty) config, and ends the search
      const raw = place.endsWith('.json') ? parseJsonConfig(text, shown) : await parseYamlConfigLazily(text, shown);
      rejectImport(raw, shown);
      return { config: validateConfig(raw, shown), filepath };
    }
  }
  return { config: {}, filepath: null };
}

// ---------------------------------------------------------------------------------------------
// Explicit --config FILE

async function loadConfigFile(cwd: string, configFile: string): Promise<LoadedConfig> {
  const filepath = path.resolve(cwd, configFile);
  const source = configFile;
  const ext = path.extname(filepath).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new ConfigError([`config file ${source} must end in .yaml, .yml or .json`]);
  }
  let text: string;
  try {
    const st = await stat(filepath);
    if (st.isDirectory()) throw new ConfigError([`config file ${source} is a directory`]);
    text = await readFile(filepath, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError([`config file not found: ${source}`], { cause: err });
    throw new ConfigError([`cannot read config file ${source}: ${firstLine((err as Error).message)}`], { cause: err });
  }
  let raw = ext === '.json' ? parseJsonConfig(text, source) : await parseYamlConfigLazily(text, source);
  let label = source;
  if (isPackageJson(filepath)) {
    raw = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[PACKAGE_PROP] : undefined;
    if (raw === undefined) throw new ConfigError([`config file ${source} has no "${PACKAGE_PROP}" property`]);
    label = `${source}#${PACKAGE_PROP}`;
  }
  rejectImport(raw, label);
  return { config: validateConfig(raw, label), filepath };
}

/**
 * Load the config: exactly `configFile` when given (missing file -> ConfigError naming it),
 * otherwise the first config file found searching upward from `cwd`. No file -> empty config.
 * Throws ConfigError (a UsageError, exit code 2) for unreadable, unparsable or invalid config.
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = path.resolve(opts.cwd);
  const loaded = opts.configFile !== undefined ? await loadConfigFile(cwd, opts.configFile) : await searchConfig(cwd, opts.stopDir ?? searchStopDir(cwd));
  return loaded.filepath ? { ...loaded, config: anchorPaths(loaded.config, path.dirname(loaded.filepath)) } : loaded;
}

/** A path written in a config file means a path next to that file, wherever tradebot runs from. */
function anchorPaths(config: ConfigInput, dir: string): ConfigInput {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(dir, p));
  const out = { ...config };
  if (config.backtest) {
    const b = { ...config.backtest };
    for (const key of ['data', 'out', 'tradesCsv', 'html', 'baseline'] as const) {
      const v = b[key];
      if (typeof v === 'string') b[key] = abs(v);
    }
    out.backtest = b;
  }
  if (typeof config.signals?.file === 'string') out.signals = { ...config.signals, file: abs(config.signals.file) };
  const name = config.strategy?.name;
  if (typeof name === 'string' && isStrategyFile(name)) out.strategy = { ...config.strategy, name: abs(name) };
  if (typeof config.home === 'string') out.home = abs(config.home);
  if (typeof config.secretsFile === 'string') out.secretsFile = abs(config.secretsFile);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Combining

/**
 * Deep-merge two validated configs; `override` wins key by key (an explicit null in `override`
 * unsets). strategy.params merge parameter by parameter, except when `override` names a different
 * strategy: the base's parameters belong to the base's strategy and are dropped.
 * Neither argument is modified; unknown keys are not copied.
 */
export function mergeConfig(base: ConfigInput, override: ConfigInput): ConfigInput {
  const out: Record<string, unknown> = {};
  const b = base as Record<string, unknown>;
  const o = override as Record<string, unknown>;
  for (const [key, node] of Object.entries(CONFIG_SCHEMA)) {
    const bv = b[key];
    const ov = o[key];
    if (isObjectField(node)) {
      const bObj = (bv ?? {}) as Record<string, unknown>;
      const oObj = (ov ?? {}) as Record<string, unknown>;
      const merged = mergeFields(node.fields, bObj, oObj);
      if (key === 'strategy') {
        const defaultName = CONFIG_DEFAULTS.strategy.name;
        const sameStrategy = oObj['name'] === undefined || oObj['name'] === (bObj['name'] ?? defaultName);
        const bp = sameStrategy ? (bObj['params'] as StrategyParams | undefined) : undefined;
        const op = oObj['params'] as StrategyParams | undefined;
        if (bp !== undefined || op !== undefined) merged['params'] = { ...bp, ...op };
        else delete merged['params'];
      }
      if (bv !== undefined || ov !== undefined) out[key] = merged;
    } else {
      const value = ov !== undefined ? ov : bv;
      if (value !== undefined) out[key] = isRecord(value) ? { ...value } : value;
    }
  }
  return out as ConfigInput;
}

/** One level of the schema, and the objects below it (notify.telegram ...), merged key by key. */
function mergeFields(fields: AnySchemaFields, b: Record<string, unknown>, o: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [sub, node] of Object.entries(fields)) {
    if (isObjectField(node) && (isRecord(b[sub]) || isRecord(o[sub]))) {
      merged[sub] = mergeFields(node.fields, (isRecord(b[sub]) ? b[sub] : {}) as Record<string, unknown>, (isRecord(o[sub]) ? o[sub] : {}) as Record<string, unknown>);
      continue;
    }
    const value = o[sub] !== undefined ? o[sub] : b[sub];
    if (value !== undefined) merged[sub] = value;
  }
  return merged;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Values given over the defaults of one level, and of the objects below it. */
function applyFields(fields: AnySchemaFields, target: Record<string, unknown>, value: Record<string, unknown>): void {
  for (const [sub, subValue] of Object.entries(value)) {
    const node = Object.hasOwn(fields, sub) ? fields[sub] : undefined;
    if (node === undefined || subValue === undefined) continue;
    if (isObjectField(node) && isRecord(subValue)) applyFields(node.fields, target[sub] as Record<string, unknown>, subValue);
    else target[sub] = Array.isArray(subValue) ? [...subValue] : isRecord(subValue) ? { ...subValue } : subValue;
  }
}

/**
 * Apply defaults to a validated (and merged) config. Also checks rules that involve several keys,
 * which only make sense once every source is merged: risk.riskPerTrade needs risk.stopLoss.
 */
export function resolveConfig(input: ConfigInput): TradebotConfig {
  const cfg = configDefaults() as unknown as Record<string, unknown>;
  const inp = input as Record<string, unknown>;
  for (const [key, node] of Object.entries(CONFIG_SCHEMA)) {
    const value = inp[key];
    if (value === undefined) continue;
    if (isObjectField(node)) {
      applyFields(node.fields, cfg[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      cfg[key] = isRecord(value) ? { ...value } : value;
    }
  }
  const resolved = cfg as unknown as TradebotConfig;
  const problems: string[] = [];
  if (resolved.risk.riskPerTrade !== null && resolved.risk.stopLoss === null) {
    problems.push('risk.riskPerTrade needs risk.stopLoss (position size is the risked amount divided by the stop distance)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}
