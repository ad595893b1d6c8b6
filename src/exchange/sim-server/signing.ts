import { createHmac, timingSafeEqual } from 'node:crypto';

/** Binance's request signature: HMAC-SHA256 of the query string followed by the body, in hex. */
export function signPayload(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/**
 * Splits the signature out of a signed request. Binance signs "totalParams": the query string
 * concatenated with the body, without the signature parameter itself (sent last by every client,
 * but it may sit anywhere).
 */
export function signedPayload(query: string, body: string): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (s: string): string => {
    if (s === '') return s;
    const kept: string[] = [];
    for (const part of s.split('&')) {
      if (part.startsWith('signature=')) signature = decodeURIComponent(part.slice('signature='.length));
      else kept.push(part);
    }
    return kept.join('&');
  };
  const q = strip(query);
  const b = strip(body);
  return { payload: q + b, signature };
}

export function signatureMatches(secret: string, payload: string, signature: string): boolean {
  const want = Buffer.from(signPayload(secret, payload), 'utf8');
  const got = Buffer.from(signature.toLowerCase(), 'utf8');
  return want.length === got.length && timingSafeEqual(want, got);
}
