/**
 * Bad input to the signal strategies: one line naming the culprit, exit 2 (5 for the environment),
 * nothing left behind.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { cleanupTmpDirs, makeTmpDir, nonEmptyLines, runCli, TINY_RANGE, writeFile } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';
import { botDoc, writeBot } from '../support/bot-fixture.js';
import { walkSim, WEBHOOK_SECRET } from '../support/signals.js';

afterAll(cleanupTmpDirs);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function oneLine(r: { code: number | null; stderr: string }, code: number, message: RegExp, o: { after?: boolean } = {}): void {
  expect(r.code, r.stderr).toBe(code);
  // a problem found once the bot has said what it starts with is its last line
  const lines = nonEmptyLines(r.stderr);
  if (!o.after) expect(lines).toHaveLength(1);
  expect(lines.at(-1)).toMatch(message);
  expect(lines.at(-1)).toMatch(/^tradebot: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('signal strategies refuse bad input with one line', { timeout: 60_000 }, () => {
  it.each([
    [['--strategy', 'webhook'], /webhook backtest replays recorded alerts: --signals-file FILE/],
    [['--strategy', 'webhook', '--signals-file', 'nope.jsonl'], /signals file not found: nope\.jsonl/],
    [['--strategy', 'http-signal'], /http-signal strategy needs its service: --signal-url URL/],
    [['--strategy', 'http-signal', '--signal-url', 'ftp://x'], /signals\.url must be an http\(s\) URL/],
    [['--strategy', 'ema-cross', '--signals-file', 'a.jsonl'], /--signals-file is for the webhook strategy, not ema-cross/],
    [['--strategy', 'rsi', '--signal-url', 'http://127.0.0.1:1/x'], /--signal-url is for the http-signal strategy, not rsi/],
  ])('backtest %j', (args, message) => {
    oneLine(runCli(['backtest', ...TINY_RANGE, ...args]), 2, message);
  });

  it('backtest names the line and the field of a bad alert', () => {
    const dir = makeTmpDir();
    writeFile(dir, 'alerts.jsonl', `{"time":"2024-01-01T01:00:00Z","pair":"BTC/USDT","action":"buy"}\n\n{"time":"2024-01-01T02:00:00Z","pair":"BTC/USDT","action":"buy","price":"NaN"}\n`);
    oneLine(runCli(['backtest', ...TINY_RANGE, '--strategy', 'webhook', '--signals-file', 'alerts.jsonl'], { cwd: dir }), 2, /alerts\.jsonl:3: "price" must be a positive number, got "NaN"/);
    writeFile(dir, 'sized.jsonl', `{"time":"2024-01-01T01:00:00Z","pair":"BTC/USDT","action":"buy","size":0.1}\n`);
    oneLine(runCli(['backtest', ...TINY_RANGE, '--strategy', 'webhook', '--signals-file', 'sized.jsonl'], { cwd: dir }), 2, /buys with its stake \(99%\)/);
  });

  it('backtest refuses a fallback that is not a built-in strategy deciding by itself', () => {
    const dir = makeTmpDir();
    writeFile(dir, 'tradebot.config.yaml', 'signals:\n  url: http://127.0.0.1:1/decide\n  fallback: ema-cros\n');
    oneLine(runCli(['backtest', ...TINY_RANGE, '--strategy', 'http-signal'], { cwd: dir }), 2, /signals\.fallback "ema-cros" is not a built-in strategy .*did you mean ema-cross/);
    writeFile(dir, 'tradebot.config.yaml', 'signals:\n  url: http://127.0.0.1:1/decide\n  fallback: webhook\n');
    oneLine(runCli(['backtest', ...TINY_RANGE, '--strategy', 'http-signal'], { cwd: dir }), 2, /signals\.fallback "webhook"/);
  });

  const paper = (home: string, extra: string[], env: Record<string, string | undefined> = {}) =>
    runCli(['paper', '--bot', 'w', '--exchange', 'binance', '--exchange-url', 'http://127.0.0.1:1', '--pair', 'BTC/USDT', '--timeframe', '1m', ...extra], {
      cwd: home,
      env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env },
    });

  it.each([
    [['--strategy', 'webhook'], { TRADEBOT_WEBHOOK_SECRET: undefined }, /needs a shared secret: set TRADEBOT_WEBHOOK_SECRET/],
    [['--strategy', 'webhook'], { TRADEBOT_WEBHOOK_SECRET: 'short' }, /webhook secret is 5 characters long: use at least 16/],
    [['--strategy', 'webhook', '--listen', 'localhost'], {}, /signals\.listen must be a host:port/],
    [['--strategy', 'ema-cross', '--listen', '127.0.0.1:9000'], {}, /--listen is for the webhook strategy, not ema-cross/],
    [['--strategy', 'http-signal'], {}, /needs its service: --signal-url URL/],
    [['--shadow', 'nobody'], {}, /--shadow nobody: no bot named nobody/],
  ])('paper %j refuses before any network call, and leaves no bot behind', (extra, env, message) => {
    const home = makeTmpDir();
    oneLine(paper(home, extra, env), 2, message);
    expect(existsSync(path.join(home, 'bots', 'w'))).toBe(false);
  });

  it('paper refuses to shadow a bot that has no signals to follow', () => {
    const home = makeTmpDir();
    writeBot(home, 'plain', botDoc('plain'));
    oneLine(runCli(['paper', '--bot', 'w', '--shadow', 'plain'], { env: { TRADEBOT_HOME: home } }), 2, /it runs ema-cross, not a signal strategy/);
  });

  it('a listen address in use is an environment problem (exit 5), and the new bot leaves nothing behind', async () => {
    const sim = await walkSim();
    cleanups.push(() => sim.close());
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => taken.close(() => r())));
    const port = (taken.address() as { port: number }).port;
    const home = makeTmpDir();
    const r = await runCliAsync(['paper', '--bot', 'w', '--exchange', 'binance', '--exchange-url', sim.url, '--pair', 'BTC/USDT', '--timeframe', '1s', '--warmup', '5', '--strategy', 'webhook', '--listen', `127.0.0.1:${port}`], {
      cwd: home,
      env: { TRADEBOT_HOME: home, TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    oneLine(r, 5, new RegExp(`cannot listen for alerts on 127\\.0\\.0\\.1:${port}: the address is in use`), { after: true });
    expect(existsSync(path.join(home, 'bots', 'w'))).toBe(false);
  });

  it('signal send names what is wrong', () => {
    const home = makeTmpDir();
    writeBot(home, 'plain', botDoc('plain'));
    const send = (args: string[], env: Record<string, string | undefined> = { TRADEBOT_WEBHOOK_SECRET: WEBHOOK_SECRET }) => runCli(['signal', 'send', ...args], { env: { TRADEBOT_HOME: home, ...env } });
    oneLine(send(['--bot', 'ghost', '--action', 'buy']), 2, /no bot named ghost/);
    oneLine(send(['--bot', 'plain', '--action', 'buy']), 2, /runs ema-cross, not the webhook strategy/);
    oneLine(send(['--bot', 'plain', '--action', 'buy'], {}), 2, /no webhook secret to sign with/);
    const missing = send(['--bot', 'plain']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--action/);
  });
});
