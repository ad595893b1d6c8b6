import { readFile } from 'node:fs/promises';
import type { CandleSeries } from '../core/candles.js';
import { UsageError } from '../core/errors.js';
import type { JournalEntry } from '../engine/ports.js';
import { loadCandleCache } from '../data/candle-cache.js';
import type { StoredMarketInfo } from '../exchange/ccxt-market.js';
import { botPaths, type BotPaths } from '../store/bot-paths.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { Journal } from '../store/journal.js';
import { readStateDoc } from '../store/read-state.js';
import { logFiles, parseLogLine, type LogRecord } from '../bot/log-reader.js';
import { readRecordedMarket, recordPath } from '../bot/candle-record.js';

/** Everything `tradebot parity` reads of a bot: files only, no exchange. */
export interface BotRecord {
  paths: BotPaths;
  doc: BotStateDoc;
  /** the recorded candles, one series per pair of the bot */
  candles: CandleSeries[];
  markets: (StoredMarketInfo | null)[];
  /** the journal's entries as stored (money as strings) */
  journal: JournalEntry[];
  log: LogRecord[];
}

export async function readBotRecord(home: string, name: string): Promise<BotRecord> {
  const paths = botPaths(home, name);
  const doc = await readStateDoc(paths.state);
  if (!doc) throw new UsageError(`no bot named ${name} in ${home} (tradebot bots lists them)`);
  const candles: CandleSeries[] = [];
  const markets: (StoredMarketInfo | null)[] = [];
  for (const symbol of doc.bot.pairs) {
    const file = recordPath(paths.dir, symbol, doc.bot.timeframe);
    const loaded = await loadCandleCache(file, { exchange: doc.bot.exchange, symbol, timeframe: doc.bot.timeframe });
    if (!loaded || loaded.series.length === 0) {
      throw new UsageError(`bot ${name} has no recorded candles of ${symbol} (${file}): a bot records the candles it acts on while it runs, and this one has not run since it could`);
    }
    candles.push(loaded.series);
    markets.push(await readRecordedMarket(paths.dir, symbol));
  }
  const journal = (await Journal.read<JournalEntry>(paths.journal)).entries;
  const log: LogRecord[] = [];
  for (const f of logFiles(paths.log)) {
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line.trim() !== '') log.push(parseLogLine(line));
  }
  return { paths, doc, candles, markets, journal, log };
}
