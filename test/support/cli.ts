/**
 * Helpers for end-to-end tests: run the built CLI (`node bin/tradebot.js`) as a child process in a
 * fresh temp directory, and small checks on its output.
 *
 * The CLI runs from dist/: build first (`npx tsc -p tsconfig.json`).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The repository root (holds package.json, bin/, dist/, data/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI launcher. */
export const BIN = path.join(REPO_ROOT, 'bin', 'tradebot.js');
/** The bundled BTC/USDT 5m sample the backtest uses when no --data is given. */
export const SAMPLE_DATA = path.join(REPO_ROOT, 'data', 'binance_BTC_USDT-5m_2024-01-01_2024-09-06.csv.gz');

/** A short slice of the sample: keeps a backtest well under a second. */
export const SHORT_RANGE = ['--from', '2024-01-01', '--to', '2024-01-10'] as const;
/** A very short slice, for runs where only the exit code matters. */
export const TINY_RANGE = ['--from', '2024-01-01', '--to', '2024-01-03'] as const;

export interface CliResult {
  /** the exit code; null when the process was killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** working directory; default: a fresh temp directory */
  cwd?: string;
  /**
   * Variables added to (string) or removed from (undefined) the child's environment. The child
   * starts from process.env without NO_COLOR, FORCE_COLOR and TRADEBOT_HOME, and with HOME set to
   * `home`, so no file outside the test's own directories can change the outcome.
   */
  env?: Record<string, string | undefined>;
  /** the child's home directory (the config search stops there); default: `cwd` */
  home?: string;
  /** stdin text */
  input?: string;
  timeoutMs?: number;
}

let built = false;
function assertBuilt(): void {
  if (built) return;
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli.js'))) {
    throw new Error('dist/src/cli.js is missing: build first with `npx tsc -p tsconfig.json`');
  }
  built = true;
}

const tmpDirs: string[] = [];

/** A fresh, empty temp directory, removed by cleanupTmpDirs(). */
export function makeTmpDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tradebot-e2e-'));
  tmpDirs.push(dir);
  return dir;
}

/** Remove every directory made by makeTmpDir() (call from afterAll). */
export function cleanupTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment a child gets: see RunOptions.env. */
export function childEnv(home: string, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'TRADEBOT_HOME', 'NODE_OPTIONS']) delete env[k];
  env.HOME = home;
  env.USERPROFILE = home;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Run `tradebot ...args` to completion. */
export function runCli(args: readonly string[], opts: RunOptions = {}): CliResult & { cwd: string } {
  assertBuilt();
  const cwd = opts.cwd ?? makeTmpDir();
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: childEnv(opts.home ?? cwd, opts.env),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, cwd };
}

// ---------------------------------------------------------------------------------------------
// Output checks

// CSI and OSC sequences, and a bare ESC: any of them means the output is not plain text.
const ANSI_RE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b/;

export function hasAnsi(text: string): boolean {
  return ANSI_RE.test(text);
}

/** Lines with something on them. */
export function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** Lines that look like a JavaScript stack frame ("    at fn (file:1:2)"). */
export function stackLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => /^\s+at /.test(l));
}

/** A plain decimal string as written in the result document: digits, optional fraction, no exponent, no NaN. */
export const DECIMAL_STRING_RE = /^-?\d+(\.\d+)?$/;

// ---------------------------------------------------------------------------------------------
// Files

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

let sampleOpens: Map<number, string> | undefined;

/** The bundled sample's candle open prices by open time (epoch ms), as written in the file. */
export function sampleOpenPrices(): Map<number, string> {
  if (sampleOpens) return sampleOpens;
  const text = gunzipSync(readFileSync(SAMPLE_DATA)).toString('utf8');
  const map = new Map<number, string>();
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const [ts, open] = line.split(',');
    map.set(Number(ts), open!.trim());
  }
  sampleOpens = map;
  return map;
}

/** The first `lines` lines of the sample (with its header), as a plain CSV text. */
export function sampleCsvHead(lines: number): string {
  const text = gunzipSync(readFileSync(SAMPLE_DATA)).toString('utf8');
  return text.split('\n').slice(0, lines + 1).join('\n') + '\n';
}
