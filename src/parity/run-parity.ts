import { UsageError } from '../core/errors.js';
import { sliceSeries, type CandleSeries } from '../core/candles.js';
import { readBotRecord } from './bot-record.js';
import { replayBot } from './replay-bot.js';
import { tradesOfPortfolio, type ParityTrade } from './trades.js';
import { collectEvidence } from './evidence.js';
import { compareTrades } from './compare.js';
import { buildParityDoc, type ParityDoc } from './parity-report.js';

export interface ParityOptions {
  home: string;
  bot: string;
  cwd: string;
  /** compare only trades entered in [from, to] (epoch ms) */
  from?: number;
  to?: number;
}

/**
 * `tradebot parity`: the bot's recorded candles replayed with its stored settings, and the
 * session's trades compared with the replay's, each difference attributed from the bot's journal
 * and log. Reads files only.
 */
export async function runParity(o: ParityOptions): Promise<ParityDoc> {
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) throw new UsageError('--from is after --to');
  const rec = await readBotRecord(o.home, o.bot);
  const { doc } = rec;
  // the record may hold candles fetched after the last one the engine handled (a stop, a crash): not acted on, not replayed
  const candles = rec.candles.map((s, k) => upTo(s, doc.engine?.lastBarTime[k] ?? -Infinity));
  if (candles.every((s) => s.length === 0)) throw new UsageError(`bot ${o.bot} has not acted on any candle yet: nothing to compare`);
  const replay = await replayBot(doc, candles, rec.markets, o.cwd);
  // both sides mark an open trade at the last recorded close
  const marks = Object.fromEntries(doc.bot.pairs.flatMap((p, k) => (candles[k]!.length > 0 ? [[p, candles[k]!.close[candles[k]!.length - 1]!]] : [])));
  const held = candles.filter((s) => s.length > 0);
  const candlesFrom = Math.min(...held.map((s) => s.time[0]!));
  const candlesTo = Math.max(...held.map((s) => s.time[s.length - 1]!));
  const tf = candles[0]!.timeframeMs;
  const from = Math.max(o.from ?? -Infinity, replay.from);
  const to = Math.min(o.to ?? Infinity, candlesTo + tf);
  const inSpan = (t: ParityTrade) => t.entryTime >= from && t.entryTime <= to;
  const allSession = tradesOfPortfolio(doc.engine?.portfolio, marks);
  const session = allSession.filter(inSpan);
  const replayed = tradesOfPortfolio(replay.portfolio, marks).filter(inSpan);
  const notes: string[] = [];
  const before = allSession.filter((t) => t.entryTime < replay.from).length;
  if (before > 0) notes.push(`${before} session trade${before === 1 ? '' : 's'} entered before the recorded candles the replay can act on (the record keeps the newest candles only) and ${before === 1 ? 'is' : 'are'} not compared`);
  const cmp = compareTrades(session, replayed, collectEvidence(rec.journal, rec.log, tf), tf);
  return buildParityDoc({
    doc,
    cmp,
    session,
    replay: replayed,
    span: { candlesFrom, candlesTo, candles: candles.reduce((n, s) => n + s.length, 0), from: Number.isFinite(from) ? from : candlesFrom, to: Number.isFinite(to) ? to : candlesTo },
    notes,
  });
}

/** The candles with an open time up to `last`. */
function upTo(s: CandleSeries, last: number): CandleSeries {
  let n = s.length;
  while (n > 0 && s.time[n - 1]! > last) n--;
  return n === s.length ? s : sliceSeries(s, 0, n);
}
