/**
 * Loopback fakes for notification tests: a Telegram Bot API (sendMessage, getUpdates with long
 * polling) and a webhook receiver. Real HTTP on 127.0.0.1, started by the test. Either can be
 * told to fail (HTTP 500, or 429 with retry_after) and to recover.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  chatId: number | string;
  text: string;
  silent: boolean;
  time: number;
}

export interface FakeTelegram {
  url: string;
  token: string;
  sent: SentMessage[];
  /** every request path seen (the token is in it: tests check it appears nowhere else) */
  paths: string[];
  /** a user writes in a chat: the bot sees it on its next getUpdates */
  say(chatId: number, text: string, fromId?: number): void;
  /** sendMessage answers this status until set back to null (getUpdates keeps working) */
  failSend: number | null;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startFakeTelegram(token: string): Promise<FakeTelegram> {
  const updates: { update_id: number; message: unknown }[] = [];
  let nextUpdate = 1;
  const waiting = new Set<() => void>();
  const fake: FakeTelegram = {
    url: '',
    token,
    sent: [],
    paths: [],
    failSend: null,
    say(chatId, text, fromId = chatId) {
      updates.push({ update_id: nextUpdate++, message: { message_id: nextUpdate, chat: { id: chatId, type: chatId < 0 ? 'group' : 'private' }, from: { id: fromId }, date: Math.floor(Date.now() / 1000), text } });
      for (const w of waiting) w();
    },
    close: async () => {
      for (const w of waiting) w();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    fake.paths.push(req.url ?? '');
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== token) return json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const args = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (m[2] === 'sendMessage') {
      if (fake.failSend === 429) return json(res, 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      if (fake.failSend !== null) return json(res, fake.failSend, { ok: false, error_code: fake.failSend, description: 'Internal Server Error' });
      fake.sent.push({ chatId: args.chat_id as number, text: String(args.text), silent: args.disable_notification === true, time: Date.now() });
      return json(res, 200, { ok: true, result: { message_id: fake.sent.length, chat: { id: args.chat_id }, text: args.text } });
    }
    if (m[2] === 'getUpdates') {
      const offset = Number(args.offset ?? 0);
      const timeoutMs = Math.min(Number(args.timeout ?? 0), 2) * 1000;
      const pending = () => updates.filter((u) => u.update_id >= offset);
      if (pending().length === 0 && timeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const done = () => (waiting.delete(done), clearTimeout(t), resolve());
          const t = setTimeout(done, timeoutMs);
          waiting.add(done);
        });
      }
      return json(res, 200, { ok: true, result: pending() });
    }
    return json(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
  });
  fake.url = await listen(server);
  return fake;
}

export interface ReceivedHook {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeWebhook {
  url: string;
  received: ReceivedHook[];
  /** answer this status (and record nothing) until set back to null */
  fail: number | null;
  close(): Promise<void>;
}

export async function startFakeWebhook(path = '/hooks/T000/B000/plantedhooksecret'): Promise<FakeWebhook> {
  const hook: FakeWebhook = {
    url: '',
    received: [],
    fail: null,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (hook.fail !== null) return void res.writeHead(hook.fail).end('failing');
    hook.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    res.writeHead(204).end();
  });
  hook.url = `${await listen(server)}${path}`;
  return hook;
}
