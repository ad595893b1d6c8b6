/**
 * A stand-in for a running bot's control loop, as a real child process: it takes lock.json,
 * beats heartbeat.json, polls control.json and acknowledges requests in state.json the way the
 * paper runner does (pause/resume change runtime.status; stop writes "stopped", lets go of the
 * lock and exits 0). `deaf: true` owns the bot but never answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const SCRIPT = `
import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
const [dir, deaf] = process.argv.slice(2);
const put = (f, v) => { const tmp = join(dir, '.' + f + '.' + process.pid + '.tmp'); writeFileSync(tmp, JSON.stringify(v)); renameSync(tmp, join(dir, f)); };
const state = () => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
put('lock.json', { pid: process.pid, host: hostname(), command: 'fake-bot', since: Date.now() });
let doc = state();
doc.runtime = { ...doc.runtime, status: doc.runtime.status === 'paused' ? 'paused' : 'running', pid: process.pid, host: hostname(), heartbeat: Date.now(), stoppedAt: null };
put('state.json', doc);
let last = doc.runtime.ack?.seq ?? 0;
const beat = () => put('heartbeat.json', { time: Date.now(), pid: process.pid });
beat();
setInterval(() => {
  beat();
  if (deaf) return;
  let req = null;
  try { req = JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8')); } catch {}
  if (!req || req.seq <= last) return;
  last = req.seq;
  doc = state();
  doc.runtime.ack = { seq: req.seq, command: req.command, time: Date.now() };
  doc.runtime.heartbeat = Date.now();
  if (req.command === 'pause') doc.runtime.status = 'paused';
  if (req.command === 'resume') doc.runtime.status = 'running';
  if (req.command === 'stop') { doc.runtime.status = 'stopped'; doc.runtime.pid = null; doc.runtime.stoppedAt = Date.now(); }
  put('state.json', doc);
  if (req.command === 'stop') { setTimeout(() => { rmSync(join(dir, 'lock.json'), { force: true }); process.exit(0); }, 150); }
}, 100);
`;

export interface FakeBot {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Start the stand-in on an existing bot directory (state.json written), once it has taken the lock. */
export async function startFakeBot(dir: string, o: { deaf?: boolean } = {}): Promise<FakeBot> {
  const script = path.join(dir, '..', '..', 'fake-bot.mjs');
  writeFileSync(script, SCRIPT);
  const child = spawn(process.execPath, [script, dir, o.deaf ? '1' : ''], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const { existsSync } = await import('node:fs');
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'heartbeat.json')); i++) await new Promise((r) => setTimeout(r, 50));
  return { child, exited };
}
