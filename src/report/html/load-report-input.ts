import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseResult } from '../result-json.js';
import { reportFromResult, type ResultFileEnv } from './from-result-file.js';
import type { ReportInput } from './report-input.js';
import { parseOptimizeDoc, parseWalkForwardDoc, researchKind } from './research-input.js';

export interface Axes {
  x?: string;
  y?: string;
}

/**
 * `tradebot report FILE`: a backtest result document, an optimize document or a walk-forward
 * document, told apart by their fields (trials[], windows[]).
 */
export async function reportFromFile(path: string, env: ResultFileEnv, axes: Axes): Promise<ReportInput> {
  const text = await readInput(path);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not a tradebot result: it is not valid JSON (${(err as Error).message})`);
  }
  const kind = researchKind(doc);
  if (kind === 'optimize') return optimizeInput(parseOptimizeDoc(doc, path, axes), doc);
  if (kind === 'walk-forward') return walkForwardInput(parseWalkForwardDoc(doc, path), doc);
  if (axes.x !== undefined || axes.y !== undefined) throw new UsageError(`--x and --y choose the axes of an optimize heatmap; ${path} is a backtest result`);
  return reportFromResult(parseResult(text, path), path, env);
}

/**
 * `tradebot report --run NAME`: the trial log of an optimize run, `<home>/research/<run>/trials.jsonl`,
 * one trial (params, metrics) a line. A torn last line (a run killed mid-write) is skipped.
 */
export async function reportFromRun(home: string, run: string, axes: Axes): Promise<ReportInput> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(run)) throw new UsageError(`run name ${JSON.stringify(run)} must be letters, digits, '.', '_' or '-'`);
  const file = join(home, 'research', run, 'trials.jsonl');
  const lines = (await readInput(file)).split('\n').filter((l) => l.trim() !== '');
  const trials: unknown[] = [];
  lines.forEach((line, i) => {
    try {
      trials.push(JSON.parse(line));
    } catch {
      if (i < lines.length - 1) throw new UsageError(`${file} line ${i + 1} is not valid JSON`);
    }
  });
  const first = trials[0] as { objective?: unknown } | undefined;
  const doc = { trials, ...(typeof first?.objective === 'string' ? { objective: first.objective } : {}) };
  return optimizeInput(parseOptimizeDoc(doc, file, axes), doc);
}

function optimizeInput(o: ReturnType<typeof parseOptimizeDoc>, doc: unknown): ReportInput {
  const name = (doc as { strategy?: { name?: unknown } }).strategy?.name;
  return { ...researchInput('optimize', `Optimization${typeof name === 'string' ? `: ${name}` : ''}`, doc, 0), optimize: o };
}

function walkForwardInput(w: ReturnType<typeof parseWalkForwardDoc>, doc: unknown): ReportInput {
  return { ...researchInput('walk-forward', 'Walk-forward', doc, w.equityCurve[0]?.equity ?? 0), walkForward: w };
}

/** The parts of a research report that a backtest's would fill: empty. */
function researchInput(kind: 'optimize' | 'walk-forward', title: string, doc: unknown, startEquity: number): ReportInput {
  const by = (doc as { tradebot?: unknown }).tradebot;
  return { kind, title, producedBy: typeof by === 'string' ? by : 'unknown', strategy: null, settings: [], provenance: null, metrics: null, trades: [], startEquity, candles: null, equity: null, notes: [] };
}

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`}`);
  }
}
