import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { canonicalJson } from './hashes.js';
import type { Objective } from './objective.js';
import { runIdentity } from './optimize.js';
import { summarize, type SearchSummary } from './summarize.js';
import { readTrialLog, TRIAL_LOG_FILE, type LogLine, type RunData, type RunRequest, type TrialLog } from './trial-log.js';
import type { TrialHashes } from './hashes.js';

export interface MergeOutcome {
  logs: string[];
  request: RunRequest;
  hashes: TrialHashes;
  data: RunData;
  summary: SearchSummary;
}

/**
 * `tradebot optimize merge`: the shard logs of one search joined into the summary the unsharded
 * run gives. Fails (one line, exit 2) when a shard is missing, given twice or incomplete, when the
 * logs were made on other inputs, or when --expect does not match the number of shards.
 */
export async function mergeLogs(paths: readonly string[], opts: { cwd: string; expect: number | null; objective?: Objective; minTrades?: number }): Promise<MergeOutcome> {
  if (paths.length === 0) throw new UsageError('optimize merge needs the shard logs (trials.jsonl files or directories holding them)');
  const files: string[] = [];
  for (const p of paths) files.push(...(await findLogs(resolve(opts.cwd, p), p)));
  const logs: TrialLog[] = [];
  for (const f of files) {
    if (logs.some((l) => l.path === f)) continue;
    logs.push((await readTrialLog(f))!);
  }
  const first = logs[0]!;
  const h0 = first.header;
  const generic = (r: RunRequest) => runIdentity({ ...r, shard: null, range: [0, r.total] });
  for (const l of logs.slice(1)) {
    const h = l.header;
    for (const k of ['data', 'strategy', 'settings', 'version'] as const) {
      if (h.hashes[k] !== h0.hashes[k]) throw new UsageError(`${l.path} was made on other ${k === 'strategy' ? 'strategy code' : k === 'version' ? 'tradebot version' : k} than ${first.path} (hash ${h.hashes[k]} vs ${h0.hashes[k]}): they are not shards of one search`);
    }
    if (generic(h.request) !== generic(h0.request)) throw new UsageError(`${l.path} and ${first.path} are not shards of one search (their spaces, search or settings differ)`);
  }
  const shards = logs.map((l) => l.header.request.shard);
  let n = 1;
  if (shards.some((s) => s === null)) {
    if (logs.length > 1) throw new UsageError(`${logs.find((l) => l.header.request.shard === null)!.path} is a whole run, not a shard: merge joins the shards of one search`);
  } else {
    n = shards[0]!.n;
    const mixed = logs.find((l) => l.header.request.shard!.n !== n);
    if (mixed) throw new UsageError(`${mixed.path} is shard ${mixed.header.request.shard!.k}/${mixed.header.request.shard!.n} but ${first.path} is one of ${n}: they split the search differently`);
    const byK = new Map<number, string>();
    for (const l of logs) {
      const k = l.header.request.shard!.k;
      const seen = byK.get(k);
      if (seen) throw new UsageError(`shard ${k}/${n} is given twice (${seen} and ${l.path})`);
      byK.set(k, l.path);
    }
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byK.has(k));
    if (missing.length > 0) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${n}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  if (opts.expect !== null && opts.expect !== n) throw new UsageError(`--expect ${opts.expect}: the logs are ${n === 1 && shards[0] === null ? 'one whole run' : `${n} shards`}`);
  const lines: LogLine[] = [];
  for (const l of logs) {
    const [lo, hi] = l.header.request.range;
    const absent = hi - lo - l.lines.size;
    if (absent > 0) {
      const s = l.header.request.shard;
      throw new UsageError(`${s ? `shard ${s.k}/${s.n}` : 'the run'} (${l.path}) is incomplete: ${absent} of its ${hi - lo} points have not run; run its command again to finish it`);
    }
    lines.push(...l.lines.values());
  }
  const req = h0.request;
  const objective = opts.objective ?? req.objective;
  const minTrades = opts.minTrades ?? req.minTrades;
  const request: RunRequest = { ...req, objective, minTrades, shard: null, range: [0, req.total] };
  return {
    logs: logs.map((l) => l.path),
    request,
    hashes: h0.hashes,
    data: first.header.data,
    summary: summarize(lines, { objective, minTrades, blocks: req.blocks, period: first.header.data.timeframe }),
  };
}

/** A trials.jsonl file, or every one found in a directory (an artifact download holds one per shard). */
async function findLogs(path: string, given: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new UsageError(`${given}: no such file or directory`);
  }
  if (!st.isDirectory()) return [path];
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isFile() && e.name === TRIAL_LOG_FILE) found.push(p);
      else if (e.isDirectory() && depth < 3) await walk(p, depth + 1);
    }
  };
  await walk(path, 0);
  if (found.length === 0) throw new UsageError(`${given}: no ${TRIAL_LOG_FILE} in this directory`);
  return found;
}
