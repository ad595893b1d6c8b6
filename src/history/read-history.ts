import { UsageError } from '../core/errors.js';
import type { JournalEntry } from '../engine/ports.js';
import { botPaths } from '../store/bot-paths.js';
import type { BotStateDoc } from '../store/bot-state.js';
import { Journal } from '../store/journal.js';
import { readStateDoc } from '../store/read-state.js';
import { buildTrades, type TradeView } from './trades.js';

/**
 * A bot's trade history from its files only (state.json and journal.jsonl): no exchange, no ccxt,
 * safe while the bot runs (the state file is replaced atomically, the journal only grows).
 */
export async function readHistory(home: string, name: string): Promise<{ doc: BotStateDoc; journal: JournalEntry[]; trades: TradeView[] }> {
  const paths = botPaths(home, name);
  const doc = await readStateDoc(paths.state);
  if (!doc) throw new UsageError(`bot ${name} has no state yet (${paths.state}): it has not traded`);
  const { entries } = await Journal.read<JournalEntry>(paths.journal);
  return { doc, journal: entries, trades: buildTrades(doc, entries) };
}
