import { randomUUID } from 'node:crypto';
import { StateError, UsageError } from '../core/errors.js';
import { isLive, readBotStatus, requireBot } from '../bot/status.js';
import { parseListen } from './webhook-server.js';

export interface SendAlertOptions {
  home: string;
  bot: string;
  action: string;
  pair?: string;
  id?: string;
  price?: string;
  orderType?: string;
  size?: string;
  sizeType?: string;
  secret: string;
  now: number;
  timeoutMs?: number;
}

export interface SentAlert {
  bot: string;
  url: string;
  httpStatus: number;
  /** the bot's answer: {status: accepted|duplicate|refused, ...} */
  answer: Record<string, unknown>;
}

/**
 * `tradebot signal send`: a correctly signed alert to a running webhook bot, at the address it
 * recorded when it opened its listener. Only a bot that runs now: a stopped bot's old port may be
 * someone else's, and the secret must not go there. Its refusal is reported, not thrown here.
 */
export async function sendAlert(o: SendAlertOptions): Promise<SentAlert> {
  await requireBot(o.home, o.bot);
  const view = await readBotStatus(o.home, o.bot, o.now);
  if (view.error) throw new StateError(view.error);
  if (view.strategy?.name !== 'webhook') throw new UsageError(`bot ${o.bot} runs ${view.strategy?.name ?? 'no strategy'}, not the webhook strategy: it takes no alerts`);
  const sig = view.signals;
  if (sig?.shadowOf) throw new UsageError(`bot ${o.bot} is a shadow of ${sig.shadowOf}: it takes its alerts from there; send to ${sig.shadowOf}`);
  if (!isLive(view)) throw new StateError(`bot ${o.bot} is not running (${view.state}): start it with tradebot paper|live --bot ${o.bot}`);
  if (!sig?.listen) throw new StateError(`bot ${o.bot} has not opened its alert listener yet (tradebot status ${o.bot})`);
  const pair = o.pair ?? (view.pairs.length === 1 ? view.pairs[0] : undefined);
  if (pair === undefined) throw new UsageError(`bot ${o.bot} trades ${view.pairs.join(', ')}: say which with --pair`);
  const { host, port } = parseListen(sig.listen);
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/webhook`;
  const alert: Record<string, unknown> = {
    secret: o.secret,
    pair,
    action: o.action,
    id: o.id ?? `send-${randomUUID()}`,
    time: new Date(o.now).toISOString(),
    ...(o.price !== undefined ? { price: o.price } : {}),
    ...(o.orderType !== undefined ? { orderType: o.orderType } : {}),
    ...(o.size !== undefined ? { size: o.size } : {}),
    ...(o.sizeType !== undefined ? { sizeType: o.sizeType } : {}),
  };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert), signal: AbortSignal.timeout(o.timeoutMs ?? 5000), redirect: 'error' });
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'no answer within 5 s' : (e.cause?.code ?? (err as Error).message);
    throw new StateError(`bot ${o.bot} does not answer at ${url} (${why}): is it running? tradebot status ${o.bot}`);
  }
  const text = await res.text();
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    answer = { status: 'error', message: text.slice(0, 200) };
  }
  return { bot: o.bot, url, httpStatus: res.status, answer };
}
