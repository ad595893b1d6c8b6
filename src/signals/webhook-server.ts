import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateError, UsageError } from '../core/errors.js';
import type { AlertIntake, FateNote, IntakeAnswer } from './alert-intake.js';
import type { RateWindow } from './rate-window.js';

/** TradingView's alert messages are a few hundred bytes; a body beyond this is not an alert. */
export const MAX_ALERT_BYTES = 16 * 1024;
export const WEBHOOK_PATHS = ['/webhook/tradingview', '/webhook'] as const;

export interface WebhookServer {
  /** host:port actually bound (port 0 asks for any free one) */
  address: string;
  close(): Promise<void>;
}

/** "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:443" */
export function parseListen(spec: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(spec.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UsageError(`--listen ${JSON.stringify(spec)} must look like 127.0.0.1:8080 (host:port, port 0-65535)`);
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * The webhook listener: POST /webhook/tradingview and /webhook, a JSON alert in the body (any
 * content type: TradingView sends text/plain). The body is capped, the request rate too (all
 * requests, before anything is read: a flood is turned away cheaply), then the intake decides.
 * Slow or stuck clients are cut off; the answer never waits for the engine.
 */
export async function startWebhookServer(o: {
  listen: string;
  intake: AlertIntake;
  flood: RateWindow;
  now: () => number;
  onRefused: (n: FateNote) => void;
  onError: (err: unknown) => void;
  /** the answer is out (crash-point tests kill the bot here) */
  onAnswered?: (a: IntakeAnswer) => void;
}): Promise<WebhookServer> {
  const { host, port } = parseListen(o.listen);
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      o.onError(err);
      if (!res.headersSent) send(res, { status: 500, body: { status: 'error', message: 'internal error' } });
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 64;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!(WEBHOOK_PATHS as readonly string[]).includes(path)) return send(res, { status: 404, body: { status: 'refused', message: `no such path; alerts go to ${WEBHOOK_PATHS.join(' or ')}` } });
    if (req.method !== 'POST') return send(res, { status: 405, body: { status: 'refused', message: 'alerts are POSTed' } }, { allow: 'POST' });
    const flood = o.flood.take(o.now());
    if (!flood.ok) {
      req.resume();
      o.onRefused({ fate: 'rate-limited', message: 'too many requests' });
      return send(res, { status: 429, body: { status: 'refused', fate: 'rate-limited', message: 'too many requests' }, retryAfterMs: flood.retryAfterMs });
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_ALERT_BYTES) return tooLarge(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ALERT_BYTES) return tooLarge(req, res);
      chunks.push(chunk);
    }
    const answer = await o.intake.receive(Buffer.concat(chunks).toString('utf8'));
    if (o.onAnswered) res.once('finish', () => o.onAnswered!(answer));
    send(res, answer);
  }

  function tooLarge(req: IncomingMessage, res: ServerResponse): void {
    o.onRefused({ fate: 'invalid', message: `body larger than ${MAX_ALERT_BYTES} bytes` });
    send(res, { status: 413, body: { status: 'refused', fate: 'invalid', message: `an alert is at most ${MAX_ALERT_BYTES} bytes` } }, { connection: 'close' });
    req.destroy();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is in use (another bot or program listens there)' : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges: listen on a high port behind a reverse proxy)' : err.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : (err.code ?? err.message);
      reject(new StateError(`cannot listen for alerts on ${o.listen}: ${why}; choose another with --listen HOST:PORT`));
    });
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, a: IntakeAnswer, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(a.body)}\n`;
  res.writeHead(a.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(a.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(a.retryAfterMs / 1000)) } : {}),
    ...headers,
  });
  res.end(text);
}
