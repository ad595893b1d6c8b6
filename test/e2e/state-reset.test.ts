import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { SimServer } from '../../src/exchange/sim-server/server.js';
import type { BotStateDoc } from '../../src/store/bot-state.js';
import { cleanupTmpDirs, makeTmpDir, runCli } from '../support/cli.js';
import { liveSim } from '../support/live.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { logRecords, startBot } from '../support/bot-start.js';

/**
 * RELIABILITY row 28 and the validation of meaning: a bot whose state was lost, replaced or made
 * impossible is never started afresh or resumed from nonsense. Refused before any exchange is
 * asked (the bots point at a loopback port nobody listens on, and only loopback is reachable).
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(cleanupTmpDirs);

let deadUrl = '';
async function dead(): Promise<string> {
  if (deadUrl) return deadUrl;
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  deadUrl = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  await new Promise<void>((r) => srv.close(() => r()));
  return deadUrl;
}

async function bot(home: string, name: string, change: (d: BotStateDoc) => void = () => undefined): Promise<string> {
  const doc = botDoc(name);
  doc.bot.apiUrl = await dead();
  change(doc);
  return writeBot(home, name, doc);
}

const check = (home: string, name: string) => runCli(['state', 'check', name, '--json'], { cwd: home, env: { TRADEBOT_HOME: home } });
const failed = (r: { stdout: string }) => (JSON.parse(r.stdout) as { checks: { check: string; status: string; message: string }[] }).checks.filter((c) => c.status === 'fail');

describe('state is never silently reset', { timeout: 120_000 }, () => {
  it('state.json deleted beside its backup: paper refuses (exit 5) naming both files and state restore; the backup is untouched; state check fails until restored', async () => {
    const home = makeTmpDir();
    const dir = await bot(home, 'b');
    rmSync(path.join(dir, 'state.json'));
    const bak = readFileSync(path.join(dir, 'state.json.bak'), 'utf8');
    for (let i = 0; i < 2; i++) {
      const r = await startBot(['paper', '--bot', 'b'], { home }).done;
      expect(r.code, r.stderr).toBe(5);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path.join(dir, 'state.json'));
      expect(lines[0]).toContain(path.join(dir, 'state.json.bak'));
      expect(lines[0]).toContain('tradebot state restore b --from-backup');
    }
    expect(existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')).toBe(bak);
    expect(logRecords(home, 'b').filter((l) => l.event === 'start-refused').map((l) => l.exitCode)).toEqual([5, 5]);

    const c = check(home, 'b');
    expect(c.code).toBe(5);
    expect(failed(c).map((f) => f.check)).toEqual(['lineage']);

    expect(runCli(['state', 'restore', 'b', '--from-backup'], { cwd: home, env: { TRADEBOT_HOME: home } }).code).toBe(0);
    expect(check(home, 'b').code).toBe(0);
  });

  it('state.json and its backup gone while the journal holds orders: refused (exit 5) naming the journal, nothing created', async () => {
    const home = makeTmpDir();
    const dir = await bot(home, 'j');
    rmSync(path.join(dir, 'state.json'));
    rmSync(path.join(dir, 'state.json.bak'));
    writeFileSync(path.join(dir, 'journal.jsonl'), `${JSON.stringify({ type: 'intent', time: 1, order: { clientOrderId: 'x-1' } })}\n`);
    const r = await startBot(['paper', '--bot', 'j', '--exchange', 'binance', '--exchange-url', await dead(), '--pair', 'BTC/USDT', '--timeframe', '5m'], { home }).done;
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain(path.join(dir, 'journal.jsonl'));
    expect(existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'state.json.bak'))).toBe(false);
    expect(failed(check(home, 'j')).map((f) => f.check)).toEqual(['lineage']);
  });

  it("a state file that is not a successor of its backup (another bot's, an older copy) is refused, the backup untouched", async () => {
    for (const [what, change] of [
      ['another bot', (d: BotStateDoc) => (d.bot.id = 'another-bot')],
      ['an older copy', (d: BotStateDoc) => (d.generation = 2)],
    ] as const) {
      const home = makeTmpDir();
      const dir = await bot(home, 'x');
      const doc = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as BotStateDoc;
      change(doc);
      writeFileSync(path.join(dir, 'state.json'), JSON.stringify(doc));
      const bak = readFileSync(path.join(dir, 'state.json.bak'), 'utf8');
      const r = await startBot(['paper', '--bot', 'x'], { home }).done;
      expect(r.code, `${what}: ${r.stderr}`).toBe(5);
      expect(r.stderr).toContain('tradebot state restore x --from-backup');
      expect(readFileSync(path.join(dir, 'state.json.bak'), 'utf8')).toBe(bak);
      expect(failed(check(home, 'x')).map((f) => f.check), what).toEqual(['lineage']);
    }
  });
});

describe('a state file that cannot be true is refused, naming the field', { timeout: 120_000 }, () => {
  it('negative balance, filled above amount, 400 digits, 1e309: paper exits 5 naming the field, state check fails, the file stays as it is', async () => {
    const cases: [string, (text: string) => string, string][] = [
      ['negative balance', (t) => t.replace('"USDT": "6085.9"', '"USDT": "-6085.9"'), 'engine.portfolio.balances.USDT'],
      ['filled above amount', (t) => t.replace('"filled": "0.1"', '"filled": "0.5"'), 'engine.orders[0].filled'],
      ['400-digit balance', (t) => t.replace('"BTC": "0.1"', `"BTC": "${'9'.repeat(400)}"`), 'engine.portfolio.balances.BTC'],
      ['1e309', (t) => t.replace(/"idSequence": \d+/, '"idSequence": 1e309'), 'engine.idSequence'],
      ['unknown order status', (t) => t.replace('"status": "open"', '"status": "resting"'), 'engine.orders[3].status'],
    ];
    for (const [what, damage, field] of cases) {
      const home = makeTmpDir();
      const dir = await bot(home, 'm');
      const text = damage(readFileSync(path.join(dir, 'state.json'), 'utf8'));
      writeFileSync(path.join(dir, 'state.json'), text);
      const r = await startBot(['paper', '--bot', 'm'], { home }).done;
      expect(r.code, `${what}: ${r.stderr}`).toBe(5);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(field);
      expect(r.stderr).toContain(path.join(dir, 'state.json'));
      expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(text);
      const c = check(home, 'm');
      expect(c.code, what).toBe(5);
      expect(failed(c)[0]!.message).toContain(field);
    }
  });

  it("a lastBarTime after the exchange's present is refused at start (exit 5), naming the field", async () => {
    const s: SimServer = await liveSim(); // replays 2024: the fixture's bar of today is in its future
    cleanups.push(() => s.close());
    const home = makeTmpDir();
    const dir = writeBot(home, 'f', { ...botDoc('f'), bot: { ...botDoc('f').bot, apiUrl: s.url } });
    const before = readFileSync(path.join(dir, 'state.json'), 'utf8');
    const r = await startBot(['paper', '--bot', 'f'], { home }).done;
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('engine.lastBarTime[0]');
    expect(readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(before);
  });
});
