/**
 * One request to the signal service: `POST <url>` with `Authorization: Bearer <token>` and
 * `X-Request-ID`, the candle context as JSON; the answer must be `{signal: "long"|"flat"|"short",
 * confidence: 0..1}`. Anything else (a timeout, a refused connection, a non-2xx status, a body
 * that is not that) is a failed attempt with a one-line reason; retries, the breaker and the
 * fallback are decided by the caller (src/signals/signal-service.ts).
 */
export interface ServiceAnswer {
  signal: 'long' | 'flat' | 'short';
  confidence: number;
}

export type AttemptResult = { ok: true; answer: ServiceAnswer } | { ok: false; error: string };

/** An answer is a few dozen bytes; a service that sends more is not answering the question. */
const MAX_ANSWER_BYTES = 64 * 1024;

export async function askService(o: { url: string; token: string | null; timeoutMs: number; requestId: string; body: string; stop?: AbortSignal }): Promise<AttemptResult> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.stop ? AbortSignal.any([timeout, o.stop]) : timeout;
  let res: Response;
  try {
    res = await fetch(o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': o.requestId,
        ...(o.token !== null ? { authorization: `Bearer ${o.token}` } : {}),
      },
      body: o.body,
      signal,
      redirect: 'error',
    });
  } catch (err) {
    return { ok: false, error: failureText(err, o.timeoutMs) };
  }
  let text: string;
  try {
    text = await readCapped(res);
  } catch (err) {
    return { ok: false, error: failureText(err, o.timeoutMs) };
  }
  if (res.status < 200 || res.status > 299) return { ok: false, error: `answered HTTP ${res.status}` };
  return parseAnswer(text);
}

/** A service's answer body, checked field by field. */
export function parseAnswer(text: string): AttemptResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: `answered garbage: not JSON (${JSON.stringify(text.slice(0, 40))})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'answered garbage: not a JSON object' };
  const r = raw as Record<string, unknown>;
  if (r.signal !== 'long' && r.signal !== 'flat' && r.signal !== 'short') return { ok: false, error: `answered garbage: signal must be long, flat or short, got ${JSON.stringify(r.signal)}` };
  if (typeof r.confidence !== 'number' || !Number.isFinite(r.confidence) || r.confidence < 0 || r.confidence > 1) {
    return { ok: false, error: `answered garbage: confidence must be a number from 0 to 1, got ${JSON.stringify(r.confidence) ?? 'nothing'}` };
  }
  return { ok: true, answer: { signal: r.signal, confidence: r.confidence } };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function failureText(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (e.name === 'AbortError') return 'the bot is stopping';
  const code = e.cause?.code;
  if (code) return `cannot reach the service (${code})`;
  return (e.cause?.message ?? e.message ?? String(err)).split('\n')[0]!;
}
