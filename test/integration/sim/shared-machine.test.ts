/**
 * `tradebot sim` on a shared machine, over real HTTP to a real `tradebot sim` process: every
 * control input is bounded, the control plane takes JSON only, requests for another Host (DNS
 * rebinding) or from a foreign Origin (CSRF) are refused, oversized bodies get 413, and bad query
 * parameters get Binance's own errors.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmpDirs, SAMPLE_DATA } from '../../support/cli.js';
import { startSimProcess, type SimProcess } from '../../support/sim-process.js';

afterAll(cleanupTmpDirs);

interface Answer {
  status: number;
  json: any;
}

/** One HTTP request with exactly the headers given (fetch would not let a test set Host). */
function raw(url: string, method: string, route: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      // a fresh connection each time: refusals close theirs, and a pooled socket the sim is closing would fail with EPIPE
      { host: u.hostname, port: u.port, method, path: route, agent: false, headers: { ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers }, timeout: 20_000 },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${route}: no answer in 20 s`)));
    req.on('error', (e) => reject(new Error(`${method} ${route}: ${e.message}`)));
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('tradebot sim on a shared machine', { timeout: 60_000 }, () => {
  let walk: SimProcess;
  let replay: SimProcess;
  beforeAll(async () => {
    [walk, replay] = await Promise.all([startSimProcess(['--speed', '0']), startSimProcess(['--data', SAMPLE_DATA, '--speed', '0'])]);
  });
  afterAll(async () => {
    await Promise.all([walk?.stop(), replay?.stop()]);
  });

  const post = (sim: SimProcess, route: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) => raw(sim.url, 'POST', route, { headers, body: JSON.stringify(body) });

  it('refuses an advance beyond its documented bound (1e308 ms) at once, and the clock does not move', async () => {
    for (const sim of [walk, replay]) {
      const before = (await sim.control<{ time: number }>('GET', '/__sim/state')).time;
      for (const body of [{ ms: 1e308 }, { ms: 366 * 86_400_000 + 1 }, { ms: -1 }, { ms: 1.5 }, { to: 1e308 }, { ms: '1e308' }]) {
        const r = await post(sim, '/__sim/advance', body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(typeof r.json.error).toBe('string');
      }
      expect((await sim.control<{ time: number }>('GET', '/__sim/state')).time).toBe(before);
      // the largest advance allowed is served, and the simulator still answers afterwards
      expect((await post(sim, '/__sim/advance', { ms: 366 * 86_400_000 })).status).toBe(200);
      expect((await raw(sim.url, 'GET', '/api/v3/ping')).status).toBe(200);
    }
    // a year of one-second candles is not kept in memory: the walk keeps a bounded window
    const k = await raw(walk.url, 'GET', '/api/v3/klines?symbol=BTCUSDT&interval=1s&limit=1000');
    expect(k.status).toBe(200);
    expect(k.json).toHaveLength(1000);
  });

  it('bounds prices, volumes, balances and the fault queue', async () => {
    const s = walk;
    for (const body of [{ price: 1e308 }, { price: 0 }, { price: 100, volume: -1 }, { price: 100, volume: 1e300 }]) {
      expect((await post(s, '/__sim/price', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await post(s, '/__sim/reset', { balances: { USDT: 1e300 } })).status).toBe(400);
    expect((await post(s, '/__sim/reset', { balances: { USDT: -5 } })).status).toBe(400);
    expect((await post(s, '/__sim/reset', { balances: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`A${i}`, 1])) })).status).toBe(400);
    expect((await post(s, '/__sim/reset', { balances: { 'US DT': 1 } })).status).toBe(400);
    expect((await post(s, '/__sim/faults', { kind: 'delay', ms: 3_600_000 })).status).toBe(400);
    expect((await post(s, '/__sim/faults', { kind: 'rate-limit', count: 1e12 })).status).toBe(400);
    expect((await post(s, '/__sim/faults', { kind: 'error', code: -1000, msg: 'x'.repeat(5000) })).status).toBe(400);
    const many = Array.from({ length: 1001 }, () => ({ kind: 'drop', path: '/nowhere' }));
    expect((await post(s, '/__sim/faults', { faults: many })).status).toBe(400);
    expect(await s.control('GET', '/__sim/faults')).toEqual([]);
    expect((await post(s, '/__sim/faults', { faults: many.slice(0, 1000) })).status).toBe(200);
    expect((await post(s, '/__sim/faults', { kind: 'drop', path: '/nowhere' })).status).toBe(400);
    await s.control('DELETE', '/__sim/faults');
  });

  it('takes only application/json on the control plane (415), so a form or text/plain post changes nothing', async () => {
    await raw(walk.url, 'GET', '/api/v3/ping');
    const logged = (await walk.control<unknown[]>('GET', '/__sim/requests')).length;
    expect(logged).toBeGreaterThan(0);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await raw(walk.url, 'POST', '/__sim/reset', { headers: { 'content-type': type }, body: '{}' });
      expect(r.status, type).toBe(415);
    }
    expect((await raw(walk.url, 'POST', '/__sim/reset', { body: '{}' })).status).toBe(415);
    expect((await raw(walk.url, 'DELETE', '/__sim/requests')).status).toBe(415);
    expect((await walk.control<unknown[]>('GET', '/__sim/requests')).length).toBe(logged);
    expect((await raw(walk.url, 'POST', '/__sim/reset', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' })).status).toBe(200);
  });

  it('refuses a foreign Origin (CSRF) on every route, and serves loopback origins', async () => {
    await raw(walk.url, 'GET', '/api/v3/ping');
    const logged = (await walk.control<unknown[]>('GET', '/__sim/requests')).length;
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1.evil.example:8080']) {
      expect((await raw(walk.url, 'POST', '/__sim/reset', { headers: { ...JSON_HEADERS, origin }, body: '{}' })).status, origin).toBe(403);
      expect((await raw(walk.url, 'GET', '/__sim/state', { headers: { origin } })).status, origin).toBe(403);
      expect((await raw(walk.url, 'GET', '/api/v3/time', { headers: { origin } })).status, origin).toBe(403);
    }
    expect((await walk.control<unknown[]>('GET', '/__sim/requests')).length).toBe(logged);
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'http://[::1]:8080']) {
      expect((await raw(walk.url, 'GET', '/__sim/state', { headers: { origin } })).status, origin).toBe(200);
    }
  });

  it('refuses a Host that is not this simulator (DNS rebinding), and serves its loopback names', async () => {
    const port = new URL(walk.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', 'localhost']) {
      expect((await raw(walk.url, 'GET', '/api/v3/ping', { headers: { host } })).status, host).toBe(421);
      expect((await raw(walk.url, 'GET', '/__sim/state', { headers: { host } })).status, host).toBe(421);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await raw(walk.url, 'GET', '/api/v3/ping', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('answers 413 to a body over 1 MiB on every route, before reading it all', async () => {
    const big = Buffer.alloc((1 << 20) + 1, 'a');
    expect((await raw(walk.url, 'POST', '/__sim/faults', { headers: JSON_HEADERS, body: big })).status).toBe(413);
    expect((await raw(walk.url, 'POST', '/api/v3/order', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big })).status).toBe(413);
    // declared too large: refused without waiting for the body
    expect((await raw(walk.url, 'POST', '/api/v3/order', { headers: { 'content-length': String(1 << 30) } })).status).toBe(413);
    expect((await raw(walk.url, 'GET', '/api/v3/ping')).status).toBe(200);
  });

  it('rejects duplicate and malformed query parameters as Binance does', async () => {
    const k = (q: string) => raw(replay.url, 'GET', `/api/v3/klines?${q}`);
    const dup = await k('symbol=BTCUSDT&interval=5m&limit=5&limit=6');
    expect(dup).toEqual({ status: 400, json: { code: -1101, msg: 'Duplicate values for a parameter detected.' } });
    const neg = await k('symbol=BTCUSDT&interval=5m&limit=-1');
    expect(neg).toEqual({ status: 400, json: { code: -1100, msg: "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'." } });
    const zero = await k('symbol=BTCUSDT&interval=5m&limit=0');
    expect(zero).toEqual({ status: 400, json: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." } });
    const start = await k('symbol=BTCUSDT&interval=5m&startTime=abc');
    expect(start.json.code).toBe(-1100);
    const many = await k(`symbol=BTCUSDT&interval=5m&${Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&')}`);
    expect(many.json.code).toBe(-1101);
    const fine = await k('symbol=BTCUSDT&interval=5m&limit=3');
    expect(fine.status).toBe(200);
    expect(fine.json).toHaveLength(3);
  });
});

describe('tradebot sim flags', { timeout: 30_000 }, () => {
  it('refuses a --speed beyond its bound (exit 2)', async () => {
    const started = await startSimProcess(['--speed', '1e9']).catch((e: unknown) => e);
    if (!(started instanceof Error)) await started.stop();
    expect(String(started)).toMatch(/exited 2/);
  });
});
