/**
 * A real paper bot on `tradebot sim`, with a loopback fake Telegram Bot API and a webhook receiver
 * started here: messages arrive for its events, a burst is merged, a receiver that fails gets the
 * queued messages once it recovers (across a restart of the bot too), a chat that is not allowed
 * gets nothing and changes nothing, /pause pauses, /forceexit sells, /panic asks first, /metrics
 * and /health answer over HTTP, status --check says healthy, and the planted bot token appears in
 * no output and no file.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../../src/exchange/sim-server/server.js';
import { SAMPLE_DATA } from '../support/cli.js';
import { runCliAsync } from '../support/cli-async.js';
import { readState, spawnPaper, waitFor, type PaperChild } from '../support/paper.js';
import { logRecords } from '../support/bot-start.js';
import { readJournal, writeHoldStrategy } from '../support/live.js';
import { startFakeTelegram, startFakeWebhook, type FakeTelegram, type FakeWebhook } from '../support/fake-telegram.js';

const TOKEN = '987654321:AAplantedTELEGRAMtokenXYZ_123-abc';
const CHAT = 424242;
const STRANGER = 666;

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function waitForAsync<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every file under dir, as text. */
function allFiles(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push({ file: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}

describe('notifications and remote control of a real paper bot', () => {
  it('tells its events, takes commands from its chat only, survives failing receivers and a restart', async () => {
    const sim: SimServer = await startSim({ data: SAMPLE_DATA, speed: 3000 });
    cleanups.push(() => sim.close());
    const tg: FakeTelegram = await startFakeTelegram(TOKEN);
    cleanups.push(() => tg.close());
    const hook: FakeWebhook = await startFakeWebhook();
    cleanups.push(() => hook.close());
    const home = mkdtempSync(path.join(os.tmpdir(), 'tradebot-notify-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    writeFileSync(
      path.join(home, 'tradebot.config.yaml'),
      [
        'notify:',
        '  telegram:',
        `    chatIds: [${CHAT}]`,
        `    apiUrl: ${tg.url}`,
        '    pollTimeout: 1',
        '  webhook:',
        `    url: ${hook.url}`,
        `    body: '{"content": "{bot} {event}: {message}", "pair": "{pair}"}'`,
        '  events: { fill: on, halt: on, rejected: on, daily: on, heartbeat: off, started: silent }',
        'metrics:',
        '  port: 0',
        '',
      ].join('\n'),
    );
    const env = { TRADEBOT_TELEGRAM_TOKEN: TOKEN };
    const cli = (args: string[]) => runCliAsync(args, { cwd: home, env: { TRADEBOT_HOME: home, ...env } });
    const start = () => {
      const b = spawnPaper({ home, bot: 'n1', url: sim.url, extra: ['--strategy', writeHoldStrategy(home)], env });
      cleanups.push(() => b.child.kill('SIGKILL'));
      return b;
    };
    // each message, a merged burst split into its parts
    const texts = () => tg.sent.flatMap((m) => m.text.split('\n\n'));
    const hookBodies = () => hook.received.map((r) => JSON.parse(r.body) as { content: string; pair: string });

    let bot: PaperChild = start();
    // ---- events reach both channels: the start (silent, as configured), the entry fill
    await waitFor('the started message', () => tg.sent.find((m) => /^n1: started \(paper/.test(m.text)), 60_000);
    expect(tg.sent.find((m) => /^n1: started/.test(m.text))!.silent).toBe(true);
    await waitFor('the entry fill message', () => texts().some((t) => /n1: BUY [\d.]+ BTC\/USDT at [\d.]+ \(fee/.test(t)), 60_000);
    await waitFor('the webhook fill', () => hookBodies().some((b) => /^n1 fill: BUY/.test(b.content) && b.pair === 'BTC/USDT'), 30_000);
    expect(hook.received[0]!.headers['content-type']).toBe('application/json');
    expect(tg.sent.every((m) => m.chatId === CHAT)).toBe(true);

    // ---- metrics and health over HTTP; status --check
    const murl = await waitFor('the metrics URL', () => /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(bot.stderr())?.[1], 30_000);
    const metrics = await (await fetch(`${murl}/metrics`)).text();
    expect(metrics).toMatch(/^tradebot_equity\{bot="n1",mode="paper"\} \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^tradebot_fills_total\{side="buy",bot="n1",mode="paper"\} [1-9]/m);
    expect(metrics).toMatch(/^tradebot_open_positions\{bot="n1",mode="paper"\} 1$/m);
    expect(metrics).toMatch(/^tradebot_orders\{status="filled",bot="n1",mode="paper"\} [1-9]/m);
    expect(metrics).toMatch(/^tradebot_last_candle_age_seconds\{/m);
    const health = await fetch(`${murl}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toMatch(/^ok: running/);
    expect((await fetch(`${murl}/nothing`)).status).toBe(404);
    const check = await cli(['status', 'n1', '--check', '--max-age', '1m']);
    expect(check.stdout).toMatch(/^ok n1: running/);
    expect(check.code).toBe(0);

    // ---- a chat that is not allowed: nothing sent to it, nothing changed, logged
    const acked = readState(home, 'n1')!.runtime.ack?.seq ?? 0;
    tg.say(STRANGER, '/pause');
    tg.say(STRANGER, '/forceexit all');
    await waitFor('the stranger logged', () => logRecords(home, 'n1').filter((r) => r.event === 'telegram-ignored').length >= 2, 20_000);
    await new Promise((r) => setTimeout(r, 700)); // a control request would be read within 0.5 s
    expect(tg.sent.some((m) => m.chatId === STRANGER)).toBe(false);
    expect(readState(home, 'n1')!.runtime.status).toBe('running');
    expect(readState(home, 'n1')!.runtime.ack?.seq ?? 0).toBe(acked);
    expect(readState(home, 'n1')!.engine!.portfolio.open['BTC/USDT']).toBeDefined();

    // ---- /pause and /resume through the control path: status shows it
    tg.say(CHAT, '/pause');
    await waitFor('the pause answer', () => texts().includes('n1 paused: no new entries'), 20_000);
    const paused = JSON.parse((await cli(['status', 'n1', '--json'])).stdout) as { state: string };
    expect(paused.state).toBe('paused');
    expect(logRecords(home, 'n1').some((r) => r.event === 'control' && r.command === 'pause' && r.by === `telegram chat ${CHAT}`)).toBe(true);
    tg.say(CHAT, '/resume');
    await waitFor('the resume answer', () => texts().includes('n1 resumed'), 20_000);
    tg.say(CHAT, '/status');
    await waitFor('the status answer', () => texts().some((t) => /^n1: running \(paper\) BTC\/USDT 5m\nequity [\d.]+ USDT/.test(t)), 20_000);

    // ---- the webhook fails: /forceexit sells the position (exit reason manual); its messages wait
    hook.fail = 500;
    tg.say(CHAT, '/forceexit BTC/USDT');
    await waitFor('the forceexit answer', () => texts().includes('forceexit: sold BTC/USDT at market'), 30_000);
    const doc = readState(home, 'n1')!;
    const manual = doc.engine!.portfolio.closed.filter((t) => t.exitReason === 'manual');
    expect(manual).toHaveLength(1);
    // the sell of the manual order: journaled, then filled on the bot's simulated exchange
    const manualIds = readJournal(home, 'n1').filter((e) => e.type === 'intent' && e.order?.purpose === 'manual').map((e) => e.order!.clientOrderId);
    expect(manualIds).toHaveLength(1);
    expect(readJournal(home, 'n1').some((e) => e.type === 'fill' && e.fill?.clientOrderId === manualIds[0] && e.fill.side === 'sell')).toBe(true);
    await waitFor('the exit message with its PnL', () => texts().some((t) => /n1: SELL [\d.]+ BTC\/USDT at [\d.]+ \(manual\): PnL [+-]?[\d.]+ USDT \([+-]?[\d.]+%\)/.test(t)), 20_000);
    const degraded = await waitForAsync('the webhook degraded in status', async () =>
      (JSON.parse((await cli(['status', 'n1', '--json'])).stdout) as { notify: { channel: string; state: string; queued: number }[] }).notify.find((n) => n.channel === 'webhook' && n.state === 'degraded'),
    );
    expect(degraded.queued).toBeGreaterThan(0);
    expect((await cli(['status', 'n1'])).stdout).toMatch(/^  webhook\s+degraded since .*webhook answered 500/m);
    hook.fail = null;
    await waitFor('the queued exit delivered to the webhook', () => hookBodies().some((b) => /^n1 trade-closed: SELL .*\(manual\): PnL/.test(b.content)), 30_000);

    // ---- both receivers down across a restart of the bot: nothing lost, Telegram's backlog merged
    hook.fail = 503;
    tg.failSend = 500;
    const sentBefore = tg.sent.length;
    expect((await cli(['stop', 'n1'])).code).toBe(0);
    expect((await bot.exited).code).toBe(0);
    const queue = JSON.parse(readFileSync(path.join(home, 'bots', 'n1', 'notify.json'), 'utf8')) as { queue: { target: string; event: string }[] };
    expect(queue.queue.some((m) => m.target === 'webhook' && m.event === 'stopped')).toBe(true);
    expect(queue.queue.some((m) => m.target === `telegram:${CHAT}` && m.event === 'stopped')).toBe(true);
    bot = start();
    await waitFor('the restarted bot running', () => readState(home, 'n1')?.runtime.status === 'running' && readState(home, 'n1')!.runtime.pid === bot.child.pid, 60_000);
    const waiting = () => (JSON.parse(readFileSync(path.join(home, 'bots', 'n1', 'notify.json'), 'utf8')) as { queue: { target: string; event: string }[] }).queue;
    await waitFor('the resumed message in the backlog', () => waiting().some((m) => m.target === `telegram:${CHAT}` && m.event === 'started'), 20_000);
    tg.failSend = null;
    hook.fail = null;
    const merged = await waitFor('one Telegram message with the backlog', () => tg.sent.slice(sentBefore).find((m) => /n1: stopped/.test(m.text) && /n1: resumed/.test(m.text)), 30_000);
    expect(merged.text.split('\n\n').length).toBeGreaterThanOrEqual(2);
    await waitFor('the stopped message delivered to the webhook after the restart', () => hookBodies().some((b) => b.content === 'n1 stopped: stopped'), 30_000);
    await waitFor('the backlog delivered', () => (JSON.parse(readFileSync(path.join(home, 'bots', 'n1', 'notify.json'), 'utf8')) as { queue: unknown[] }).queue.length === 0, 30_000);

    // ---- /panic asks first; /confirm sells and stops
    await waitFor('a position again', () => readState(home, 'n1')?.engine?.portfolio.open['BTC/USDT'], 30_000);
    tg.say(CHAT, '/panic');
    await waitFor('the panic question', () => texts().some((t) => /^PANIC cancels every open order/.test(t)), 20_000);
    expect(readState(home, 'n1')!.runtime.status).toBe('running');
    tg.say(CHAT, '/confirm');
    expect((await bot.exited).code).toBe(0);
    const after = readState(home, 'n1')!;
    expect(after.runtime.status).toBe('stopped');
    expect(after.engine!.portfolio.open['BTC/USDT']).toBeUndefined();
    expect(after.engine!.portfolio.closed.at(-1)!.exitReason).toBe('panic');
    expect(texts().some((t) => /PANIC: cancelled \d+ order\(s\), sold 1 position\(s\)/.test(t))).toBe(true);
    const down = await cli(['status', 'n1', '--check']);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^FAIL n1: not running \(stopped\)/);

    // ---- the log holds every decision and outcome as JSON lines; logs filters them
    const events = new Set(logRecords(home, 'n1').map((r) => r.event));
    for (const e of ['started', 'signal', 'order-intent', 'order-sent', 'fill', 'trade-closed', 'control', 'control-done', 'telegram-ignored', 'notify-failed', 'notify-recovered', 'stopping', 'stopped', 'panic']) expect(events, e).toContain(e);
    const fills = (await cli(['logs', 'n1', '--event', 'fill,trade-closed', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; price?: string; qty?: string; fee?: string; pnl?: string });
    expect(new Set(fills.map((f) => f.event))).toEqual(new Set(['fill', 'trade-closed']));
    expect(fills.filter((f) => f.event === 'fill').every((f) => /^\d/.test(f.price!) && /^\d/.test(f.qty!) && /^\d/.test(f.fee!))).toBe(true);
    expect((await cli(['logs', 'n1', '--level', 'warn', '--json'])).stdout.trim().split('\n').every((l) => (JSON.parse(l) as { level: string }).level !== 'info')).toBe(true);

    // ---- trades and profit read the files; the exits carry their reasons
    const trades = JSON.parse((await cli(['trades', 'n1', '--closed', '--json'])).stdout) as { trades: { exitReason: string }[] };
    expect(trades.trades.map((t) => t.exitReason)).toEqual(expect.arrayContaining(['manual', 'panic']));

    // ---- the planted token: in no output, no file, no message; only in the fake API's URLs
    expect(tg.paths.some((p) => p.includes(TOKEN))).toBe(true);
    for (const out of [bot.stderr(), (await cli(['logs', 'n1'])).stdout, (await cli(['status', 'n1'])).stdout, (await cli(['config', 'show'])).stdout]) expect(out).not.toContain(TOKEN);
    for (const f of allFiles(home)) expect(f.text, f.file).not.toContain(TOKEN);
    for (const m of tg.sent) expect(m.text).not.toContain(TOKEN);
    for (const r of hook.received) expect(r.body).not.toContain(TOKEN);
    // the webhook URL is a secret too: not in the log, status or notify.json
    for (const f of allFiles(path.join(home, 'bots'))) expect(f.text, f.file).not.toContain('plantedhooksecret');
  }, 240_000);
});
