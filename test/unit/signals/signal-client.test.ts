import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { askService } from '../../../src/signals/signal-client.js';

/** A loopback service whose answer the test picks by path. */
let server: Server;
let base = '';
let last: { headers: IncomingHttpHeaders; body: string } | null = null;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      last = { headers: req.headers, body };
      const path = req.url ?? '';
      if (path === '/ok') return res.end(JSON.stringify({ signal: 'long', confidence: 0.75 }));
      if (path === '/500') return (res.statusCode = 500), res.end('{"error":"boom"}');
      if (path === '/garbage') return res.end('{"signal":"maybe","confidence":2}');
      if (path === '/html') return res.end('<html>hello</html>');
      if (path === '/huge') return res.end(JSON.stringify({ signal: 'long', confidence: 1, pad: 'x'.repeat(100_000) }));
      if (path === '/slow') return void setTimeout(() => res.end(JSON.stringify({ signal: 'flat', confidence: 1 })), 2_000);
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const ask = (path: string, timeoutMs = 1000) => askService({ url: `${base}${path}`, token: 'the-token', timeoutMs, requestId: 'req-1', body: '{"symbol":"BTC/USDT"}' });

describe('one request to the signal service', () => {
  it('posts the body with the bearer token and the request id, and reads the answer', async () => {
    expect(await ask('/ok')).toEqual({ ok: true, answer: { signal: 'long', confidence: 0.75 } });
    expect(last!.headers.authorization).toBe('Bearer the-token');
    expect(last!.headers['x-request-id']).toBe('req-1');
    expect(last!.body).toBe('{"symbol":"BTC/USDT"}');
  });

  it.each([
    ['/500', /answered HTTP 500/],
    ['/garbage', /answered garbage: signal must be long, flat or short/],
    ['/html', /answered garbage: not JSON/],
    ['/huge', /more than 65536 bytes/],
  ])('%s is a failed attempt with its reason', async (path, why) => {
    const r = await ask(path);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(why);
  });

  it('gives up on a slow service after the timeout', async () => {
    const t0 = Date.now();
    const r = await ask('/slow', 200);
    expect(!r.ok && r.error).toMatch(/no answer within 200 ms/);
    expect(Date.now() - t0).toBeLessThan(1_900);
  });

  it('a service that is not there is a failed attempt, not an exception', async () => {
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
    const r = await askService({ url: `http://127.0.0.1:${port}/decide`, token: null, timeoutMs: 1000, requestId: 'r', body: '{}' });
    expect(!r.ok && r.error).toMatch(/cannot reach the service \(ECONNREFUSED\)/);
  });
});
