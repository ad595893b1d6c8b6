import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateError } from '../core/errors.js';
import type { Health } from '../bot/health-check.js';
import type { BotMetrics } from './bot-metrics.js';

/**
 * GET /metrics (Prometheus text format) and GET /health (200 "ok ..." or 503 with the reason, one
 * line). Anything else: 404. Bound to 127.0.0.1 unless metrics.host says otherwise. Nothing it
 * serves can change the bot.
 */
export async function startMetricsServer(o: { host: string; port: number; metrics: BotMetrics; health: () => Health }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      o.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': o.metrics.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
      );
      return;
    }
    if (path === '/health') {
      const h = o.health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${h.ok ? 'ok' : 'unhealthy'}: ${h.reason}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /metrics or /health\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StateError(`metrics server cannot listen on ${o.host}:${o.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`)),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
