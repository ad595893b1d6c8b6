/**
 * `tradebot sim --faults FILE` as a process: faults scheduled in a YAML or JSON file reach a real
 * ccxt client as our error classes; a malformed file exits 2 with one line naming it.
 *
 * Spawns bin/tradebot.js: build first (`npx tsc -p tsconfig.json`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Dec } from '../../../src/core/money.js';
import { OrderRejectedError } from '../../../src/core/errors.js';
import type { OrderRequest } from '../../../src/core/orders.js';
import { CcxtExchange } from '../../../src/exchange/ccxt-exchange.js';
import { BannedError, classifyCcxtError, ExchangeUnavailableError, RateLimitedError } from '../../../src/exchange/ccxt-errors.js';
import { makeCcxt } from '../../../src/exchange/make-ccxt.js';
import { BIN, childEnv, runCli } from '../../support/cli.js';
import { caught, SIM_ENV, simState } from './helpers.js';

const S = 'BTC/USDT';
const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-sim-faults-'));
const children: ChildProcess[] = [];

function write(name: string, text: string): string {
  const f = path.join(home, name);
  writeFileSync(f, text);
  return f;
}

/** Starts `tradebot sim ...args` and resolves with its URL once it prints the listening line. */
async function spawnSim(args: string[]): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'sim', '--port', '0', ...args], { cwd: home, env: childEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening; stderr: ${err}`));
    });
  });
  return { url, child, stderr: () => err };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exit;
}

let seq = 0;
const limitBuy = (): OrderRequest => ({
  clientOrderId: `ff-${process.pid}-${++seq}`,
  symbol: S,
  side: 'buy',
  type: 'limit',
  amount: new Dec('0.01'),
  price: new Dec(20_000),
  purpose: 'manual',
  createdAt: 0,
});

describe('tradebot sim --faults', { timeout: 120_000 }, () => {
  afterEach(async () => {
    for (const c of children.splice(0)) await stop(c);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('YAML: a 429 on the 2nd POST /api/v3/order is RateLimitedError, that order is not placed, the 3rd goes through; a 418 is BannedError', async () => {
    const file = write(
      'faults.yaml',
      [
        '# rehearsal: the second order hits the rate limit, the first open-orders poll is banned',
        '- { kind: rate-limit, retryAfter: 7, method: POST, path: /api/v3/order, after: 1 }',
        '- kind: ban',
        '  retryAfter: 300',
        '  method: get',
        '  path: /api/v3/openOrders',
        '',
      ].join('\n'),
    );
    const { url, child, stderr } = await spawnSim(['--faults', file, '--volatility', '0']);
    const pending = (await (await fetch(`${url}/__sim/faults`)).json()) as unknown[];
    expect(pending).toHaveLength(2);

    const ex = await makeCcxt({ id: 'binance', apiUrl: url, rateLimit: 1, env: SIM_ENV });
    const port = await CcxtExchange.connect(ex);
    const first = limitBuy();
    await port.submit(first);
    const second = limitBuy();
    const e = await caught(port.submit(second));
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(7000);
    expect((e as RateLimitedError).exitCode).toBe(4);
    expect(await port.fetchOrder(second.clientOrderId, S)).toBeNull();
    const third = limitBuy();
    await port.submit(third);

    const before = Date.now();
    const b = await caught(ex.fetchOpenOrders(S));
    const banned = classifyCcxtError(b, { operation: 'read', headers: ex.last_response_headers as Record<string, string> });
    expect(banned).toBeInstanceOf(BannedError);
    expect((banned as BannedError).until).toBeGreaterThanOrEqual(before + 299_000);
    expect((banned as BannedError).until).toBeLessThanOrEqual(Date.now() + 301_000);
    // the ban was one request long: the next poll answers
    expect(await ex.fetchOpenOrders(S)).toHaveLength(2);

    const s = await simState(url);
    expect(s.orders.map((o) => o.clientOrderId)).toEqual([first.clientOrderId, third.clientOrderId]);
    const log = (await (await fetch(`${url}/__sim/requests`)).json()) as { method: string; path: string; status: number; fault?: string }[];
    expect(log.filter((r) => r.method === 'POST' && r.path === '/api/v3/order').map((r) => [r.status, r.fault ?? null])).toEqual([
      [200, null],
      [429, 'rate-limit'],
      [200, null],
    ]);
    expect(await stop(child)).toBe(0);
    expect(stderr()).toBe('');
  });

  it('JSON ({"faults": [...]}): a 418 on the account and an error code reach the adapter as BannedError and the matching class', async () => {
    const file = write(
      'faults.json',
      JSON.stringify({
        faults: [
          { kind: 'ban', retryAfter: 60, method: 'GET', path: '/api/v3/account' },
          { kind: 'error', code: -2010, msg: 'Account has insufficient balance for requested action.', method: 'POST', path: '/api/v3/order' },
          { action: { kind: 'html', status: 503 }, method: 'GET', path: '/api/v3/account', count: 2 },
        ],
      }),
    );
    const { url } = await spawnSim(['--faults', file]);
    const port = await CcxtExchange.connect(await makeCcxt({ id: 'binance', apiUrl: url, rateLimit: 1, env: SIM_ENV }));
    const e = await caught(port.fetchBalances());
    expect(e).toBeInstanceOf(BannedError);
    expect((e as BannedError).until).toBeGreaterThan(Date.now() + 50_000);
    const r = await caught(port.submit(limitBuy()));
    expect(r).toBeInstanceOf(OrderRejectedError);
    expect((r as OrderRejectedError).code).toBe('insufficient-funds');
    for (let i = 0; i < 2; i++) expect(await caught(port.fetchBalances())).toBeInstanceOf(ExchangeUnavailableError);
    expect((await port.fetchBalances()).USDT!.total.toString()).toBe('10000');
    expect((await simState(url)).orders).toHaveLength(0);
  });

  it('a malformed faults file exits 2 with one line that names the file', () => {
    const cases: [string, string, RegExp][] = [
      ['broken.yaml', '- { kind: rate-limit, method: POST\n  bad: [\n', /not valid YAML/],
      ['broken.json', '[{"kind": "ban",', /not valid JSON/],
      ['kind.yaml', '- kind: rate-limt\n', /fault 1: fault kind "rate-limt" is not one of .*did you mean "rate-limit"/],
      ['typo.yaml', '- { kind: ban, methd: GET }\n', /fault 1: unknown key "methd".*did you mean "method"/],
      ['object.json', '{"kind": "ban"}', /must hold a list of faults/],
      ['number.yaml', '- { kind: delay, ms: soon }\n', /fault 1: ms must be a number/],
      ['count.yaml', '- { kind: drop, count: 0 }\n', /fault 1: count must be a whole number/],
      ['second.yaml', '- { kind: drop }\n- { kind: html, status: 42 }\n', /fault 2: status must be an HTTP status/],
    ];
    for (const [name, text, re] of cases) {
      const file = write(name, text);
      const r = runCli(['sim', '--port', '0', '--faults', file], { cwd: home, timeoutMs: 20_000 });
      const why = `${name}: exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`;
      expect(r.code, why).toBe(2);
      expect(r.stdout, why).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, why).toHaveLength(1);
      expect(lines[0], why).toContain(file);
      expect(lines[0], why).toMatch(re);
    }
    const missing = path.join(home, 'nope.yaml');
    const r = runCli(['sim', '--port', '0', '--faults', missing], { cwd: home, timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(missing);
  });
});
