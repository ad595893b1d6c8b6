import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA } from '../support/cli.js';
import { readState, spawnPaper, waitFor } from '../support/paper.js';
import { STATE_SCHEMA_VERSION } from '../../src/store/bot-state.js';

/** RELIABILITY rows 13, 14, 16, 17: what a paper bot does with bad, old, new or unwritable state. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ s: SimServer; h: string }> {
  const s = await startSim({ data: SAMPLE_DATA, speed: 3000 });
  cleanups.push(() => s.close());
  const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-pstate-'));
  cleanups.push(() => rmSync(h, { recursive: true, force: true }));
  return { s, h };
}

/** Run a bot until it has written state, then stop it: a valid state to doctor. */
async function makeBot(s: SimServer, h: string, bot: string): Promise<string> {
  const p = spawnPaper({ home: h, bot, url: s.url });
  cleanups.push(() => void p.child.kill('SIGKILL'));
  await waitFor('state', () => (readState(h, bot)?.engine?.lastBarTime[0] ?? null) !== null);
  p.child.kill('SIGTERM');
  expect((await p.exited).code).toBe(0);
  return path.join(h, 'bots', bot, 'state.json');
}

async function start(s: SimServer, h: string, bot: string) {
  const p = spawnPaper({ home: h, bot, url: s.url });
  cleanups.push(() => void p.child.kill('SIGKILL'));
  return p;
}

describe('paper bot state files', () => {
  for (const [what, damage] of [
    ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2))],
    ['empty', () => ''],
    ['not JSON', () => '<html>oops</html>'],
  ] as const) {
    it(`refuses to start on a ${what} state file, naming it and its backup, and leaves it as it was`, async () => {
      const { s, h } = await setup();
      const file = await makeBot(s, h, 'b');
      const bad = damage(readFileSync(file, 'utf8'));
      writeFileSync(file, bad);
      const p = await start(s, h, 'b');
      const r = await p.exited;
      expect(r.code).toBe(5);
      const lines = p.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain(`${file}.bak`);
      expect(readFileSync(file, 'utf8')).toBe(bad); // never reset
    }, 60_000);
  }

  it('refuses a state file written by a newer tradebot', async () => {
    const { s, h } = await setup();
    const file = await makeBot(s, h, 'n');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, schemaVersion: 99, writtenBy: '9.0.0' }));
    const p = await start(s, h, 'n');
    expect((await p.exited).code).toBe(5);
    expect(p.stderr()).toContain('9.0.0');
  }, 60_000);

  it('backs up an older state file, migrates it and resumes', async () => {
    const { s, h } = await setup();
    const file = await makeBot(s, h, 'old');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    delete doc.generation;
    delete doc.bot.id;
    delete doc.bot.sandbox;
    delete doc.bot.strategy.source;
    delete doc.settings.warmup;
    delete doc.bot.warmup;
    delete doc.runtime.prices;
    delete doc.runtime.degraded;
    const v1 = JSON.stringify({ ...doc, schemaVersion: 1 });
    writeFileSync(file, v1);
    writeFileSync(`${file}.bak`, v1); // an older tradebot's backup is of its own schema
    const p = await start(s, h, 'old');
    await waitFor('the migrated bot to run', () => readState(h, 'old')?.runtime.status === 'running');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(readFileSync(`${file}.v1.bak`, 'utf8')).toBe(v1);
    const now = readState(h, 'old')!;
    expect(now.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(now.engine!.portfolio.balances).toBeDefined();
    // what schema 1 did not record is recorded by the resumed bot
    expect(now.bot).toMatchObject({ sandbox: false, strategy: { source: 'ema-cross' } });
    expect(now.settings.warmup).toBe(100);
  }, 60_000);

  it('takes over the stale lock of a killed bot, and says so', async () => {
    const { s, h } = await setup();
    const p = await start(s, h, 'stale');
    await waitFor('running', () => readState(h, 'stale')?.runtime.status === 'running');
    p.child.kill('SIGKILL');
    await p.exited;
    expect(existsSync(path.join(h, 'bots', 'stale', 'state.lock'))).toBe(true);
    const again = await start(s, h, 'stale');
    await waitFor('running again', () => again.stderr().includes('took over the lock'));
    expect(again.stderr()).toContain(`pid ${p.child.pid}`);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  }, 60_000);

  it('halts with a non-zero exit when it cannot write its state, keeping the previous file intact', async () => {
    const { s, h } = await setup();
    const file = await makeBot(s, h, 'ro');
    const before = readFileSync(file, 'utf8');
    // a directory where the backup must go: every state write now fails (root ignores chmod)
    rmSync(`${file}.bak`, { force: true });
    mkdirSync(`${file}.bak`);
    const p = await start(s, h, 'ro');
    const r = await p.exited;
    expect(r.code).toBe(5);
    expect(p.stderr()).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(before);
  }, 60_000);
});
