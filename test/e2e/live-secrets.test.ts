import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCliAsync } from '../support/cli-async.js';
import { readState } from '../support/paper.js';
import { liveSim, readJournal, spawnLive } from '../support/live.js';
import { idPrefixFor } from '../../src/core/ids.js';

/** RELIABILITY row 21: a planted key and secret never appear in any output or any file written. */
const KEY = 'PLANTEDKEYabcdefghij0123456789wxyz';
const SECRET = 'PLANTEDSECRETqrstuvwxyz9876543210';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets', () => {
  it('never leak into stdout, stderr or any file, through crashes, auth failures, config show, status and orders', async () => {
    const s = await liveSim({ apiKey: KEY, apiSecret: SECRET });
    cleanups.push(() => s.close());
    const h = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lsec-home-'));
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lsec-cwd-'));
    const vault = mkdtempSync(path.join(os.tmpdir(), 'tradebot-lsec-vault-')); // the secrets file itself lives apart
    cleanups.push(() => [h, cwd, vault].forEach((d) => rmSync(d, { recursive: true, force: true })));
    const secretsFile = path.join(vault, 'keys.yaml');
    writeFileSync(secretsFile, `apiKey: ${KEY}\nsecret: ${SECRET}\n`);
    chmodSync(secretsFile, 0o600);
    writeFileSync(path.join(cwd, 'tradebot.config.yaml'), `secretsFile: ${secretsFile}\nexchange:\n  id: binance\n  apiUrl: ${s.url}\n`);
    const keys = { TRADEBOT_API_KEY: KEY, TRADEBOT_API_SECRET: SECRET };
    const outputs: string[] = [];

    // a crash right after a fill was journaled
    const crash = spawnLive({ home: h, cwd, bot: 'sec', url: s.url, env: { ...keys, TRADEBOT_CRASH_AT: 'after-fill:2' } });
    cleanups.push(() => void crash.child.kill('SIGKILL'));
    expect((await crash.exited).signal).toBe('SIGKILL');
    expect(readJournal(h, 'sec').filter((e) => e.type === 'fill')).toHaveLength(2);
    outputs.push(crash.stdout(), crash.stderr());
    // restarted with the keys from the secrets file, then refused mid-run (auth failure), with --debug stack traces
    s.control.addFault({ action: { kind: 'error', code: -2015, status: 401, msg: `Invalid API-key ${KEY}, IP, or permissions for action.` }, method: 'POST', path: '/api/v3/order' });
    const auth = spawnLive({ home: h, cwd, bot: 'sec', url: s.url, extra: ['--debug'], env: { TRADEBOT_API_KEY: undefined, TRADEBOT_API_SECRET: undefined } });
    cleanups.push(() => void auth.child.kill('SIGKILL'));
    expect((await auth.exited).code).toBe(4);
    outputs.push(auth.stdout(), auth.stderr());
    expect(auth.stderr()).toContain('***'); // the key in the exchange's message was redacted
    expect(readState(h, 'sec')!.bot.account).toBe('PLAN…wxyz');

    // each command must have done its work (exit code, and what it printed or changed) before its output is scanned
    const env = { TRADEBOT_HOME: h, NO_COLOR: '1', ...keys };
    const run = async (args: string[], codes: number[], did: (out: string) => unknown) => {
      const r = await runCliAsync(args, { cwd, home: h, env });
      outputs.push(r.stdout, r.stderr);
      expect(codes, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
      expect(did(r.stdout), `${args.join(' ')} did its work:\n${r.stdout}`).toBeTruthy();
      return r;
    };
    const json = <T>(text: string) => JSON.parse(text) as T;
    await run(['config', 'show'], [0], (out) => out.includes(s.url) && out.includes('secretsFile'));
    await run(['config', 'show', '--json'], [0], (out) => json<{ config: { exchange: { apiUrl: string } } }>(out).config.exchange.apiUrl === s.url);
    await run(['status', '--json'], [0], (out) => json<{ bots: { name: string }[] }>(out).bots.some((b) => b.name === 'sec'));
    await run(['status', 'sec'], [0], (out) => /^sec\s+live\s/m.test(out));
    await run(['orders', 'list'], [0], (out) => out.startsWith('open orders on binance'));
    await run(['orders', 'list', 'sec', '--all'], [0], (out) => out.includes(idPrefixFor('sec')));
    await run(['orders', 'list', 'sec', '--all', '--offline', '--json'], [0], (out) => json<{ orders: unknown[] }>(out).orders.length > 0);
    await run(['orders', 'create', '--pair', 'BTC/USDT', '--side', 'buy', '--type', 'limit', '--amount', '0.001', '--price', '20000', '--yes', '--debug', '--json'], [0], (out) => json<{ order: { clientOrderId: string; status: string } }>(out).order.clientOrderId === 'tbm-1');
    expect(s.control.state().orders.find((o) => o.clientOrderId === 'tbm-1')?.status).toBe('NEW');
    await run(['reconcile', 'sec', '--debug', '--json'], [0, 5], (out) => json<{ external: { clientOrderId?: string }[] }>(out).external.some((a) => a.clientOrderId === 'tbm-1'));
    await run(['logs', 'sec'], [0], (out) => out.split('\n').filter((l) => l.trim() !== '').length > 0);

    for (const text of outputs) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
    for (const file of [...filesUnder(h), ...filesUnder(cwd)]) {
      const text = readFileSync(file, 'latin1');
      expect(text, file).not.toContain(KEY);
      expect(text, file).not.toContain(SECRET);
    }
  }, 120_000);
});
