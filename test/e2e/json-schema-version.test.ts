/**
 * Every --json document carries a schemaVersion. The commands are found by walking the real
 * commander tree, so a new --json option cannot be added without a case here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { TINY_RANGE, cleanupTmpDirs, makeTmpDir, runCli, sampleCsvHead, writeFile } from '../support/cli.js';

afterAll(cleanupTmpDirs);

/** Commands whose --json is not one document, or needs the exchange and is checked by its own tests, and why. */
const NOT_A_DOCUMENT: Record<string, string> = {
  logs: 'JSON Lines: each stored log entry as it is, one per line',
  'data download': 'needs an exchange: its document is checked in the data download tests',
  reconcile: 'needs an exchange: checked in the reconcile tests',
  'orders create': 'needs an exchange: checked in the orders tests',
  'orders cancel': 'needs an exchange: checked in the orders tests',
  'orders amend': 'needs an exchange: checked in the orders tests',
  parity: "needs a bot's recorded candles (a real session): its document is checked in the parity tests",
  'signal send': 'needs a running bot listening for alerts: checked in the signals live tests',
};

/** How to run each command's --json offline; the bot "alpha" exists in the home. */
const CASES: Record<string, string[]> = {
  backtest: ['backtest', ...TINY_RANGE, '--json'],
  optimize: ['optimize', ...TINY_RANGE, '--space', 'fast=5,9', '--space', 'slow=21', '--jobs', '1', '--json'],
  'walk-forward': ['walk-forward', '--from', '2024-01-01', '--to', '2024-01-05', '--space', 'fast=5,9', '--space', 'slow=21', '--train', '2d', '--test', '1d', '--jobs', '1', '--json'],
  strategies: ['strategies', '--json'],
  'config show': ['config', 'show', '--json'],
  'data list': ['data', 'list', '--json'],
  'data check': ['data', 'check', 'candles.csv', '--json'],
  status: ['status', 'alpha', '--json'],
  bots: ['bots', '--json'],
  'state check': ['state', 'check', '--json'],
  'orders list': ['orders', 'list', 'alpha', '--offline', '--json'],
  'orders show': ['orders', 'show', 'alpha-1', '--bot', 'alpha', '--offline', '--json'],
  trades: ['trades', 'alpha', '--json'],
  profit: ['profit', 'alpha', '--json'],
  // a webhook on a loopback port nobody listens on: the document says the channel failed
  'notify test': ['notify', 'test', '--config', 'notify.yaml', '--json'],
};


/** The whole command tree, every lazily loaded command included. */
const PROGRAM = await buildProgram({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr });
function jsonCommands(): string[] {
  const out: string[] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      const name = [...prefix, sub.name()];
      if (sub.options.some((o) => o.long === '--json')) out.push(name.join(' '));
      walk(sub, name);
    }
  };
  walk(PROGRAM, []);
  return out;
}

describe('--json documents', { timeout: 120_000 }, () => {
  let cwd: string;
  let home: string;
  beforeAll(() => {
    cwd = makeTmpDir();
    home = path.join(cwd, 'home');
    writeFile(cwd, 'candles.csv', sampleCsvHead(50));
    writeFile(cwd, 'notify.yaml', 'notify:\n  webhook:\n    url: http://127.0.0.1:9/hook\n');
    writeBot(home, 'alpha', botDoc('alpha'));
  });

  it('the walk finds the commands with --json', () => {
    expect(jsonCommands()).toEqual(expect.arrayContaining(['backtest', 'strategies', 'config show', 'status']));
  });

  for (const name of jsonCommands()) {
    if (NOT_A_DOCUMENT[name]) continue;
    it(`${name} --json prints one document with a schemaVersion`, () => {
      const args = CASES[name];
      expect(args, `no case for "${name} --json": add one to CASES`).toBeDefined();
      const r = runCli(args!, { cwd, env: { TRADEBOT_HOME: home } });
      const doc = JSON.parse(r.stdout) as { schemaVersion?: unknown };
      expect(Number.isInteger(doc.schemaVersion), `${name}: ${r.stdout.slice(0, 200)} ${r.stderr}`).toBe(true);
    });
  }
});
