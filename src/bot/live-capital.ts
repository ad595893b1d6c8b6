import { Dec, parseDecimal, type Dec as Decimal } from '../core/money.js';
import { UsageError } from '../core/errors.js';
import type { BotRuntime } from '../store/bot-state.js';

/**
 * A live bot's capital is its budget, in its quote currency, fixed when the bot is created:
 * `--cash` when given (at most the account's free quote balance), else the account's free quote
 * balance at that moment. Its ledger starts from the budget alone and changes only by its own
 * fills (and transfers an operator accepts); whatever else the account holds is external.
 */
export interface Budget {
  /** the ledger's starting balances (settings.cash): the quote currency only for a new bot */
  balances: Record<string, Decimal>;
  /** one line for the confirmation */
  summary: string;
}

export async function liveBudget(o: {
  bot: string;
  quote: string;
  /** settings.cash of an existing bot */
  stored: Record<string, string> | null;
  /** --cash as typed */
  requested?: string | undefined;
  /** the account's free quote balance (asked only for a new bot) */
  freeQuote: () => Promise<Decimal>;
}): Promise<Budget> {
  const asked = o.requested === undefined ? undefined : parseBudget(o.requested, o.quote);
  if (o.stored) {
    const kept = new Dec(o.stored[o.quote] ?? 0);
    if (asked && !asked.eq(kept)) {
      throw new UsageError(`bot ${o.bot} was given a budget of ${kept.toFixed()} ${o.quote} when it was created; --cash ${o.requested} would change it: a live bot's capital is fixed (start a new bot for another budget)`);
    }
    return { balances: Object.fromEntries(Object.entries(o.stored).map(([k, v]) => [k, new Dec(v)])), summary: `budget ${kept.toFixed()} ${o.quote} (given when the bot was created)` };
  }
  const free = await o.freeQuote();
  if (asked) {
    if (asked.gt(free)) throw new UsageError(`--cash ${asked.toFixed()} ${o.quote} is more than the account's free ${free.toFixed()} ${o.quote}`);
    return { balances: { [o.quote]: asked }, summary: `budget ${asked.toFixed()} ${o.quote} (--cash) of the account's free ${free.toFixed()} ${o.quote}; the rest of the account is external` };
  }
  if (free.lte(0)) throw new UsageError(`the account holds no free ${o.quote}: a live bot needs a budget in its quote currency`);
  return { balances: { [o.quote]: free }, summary: `budget ${free.toFixed()} ${o.quote}: the account's free ${o.quote} (no --cash); other holdings are external` };
}

/** `1000` or `USDT=1000`: the quote currency only (a live bot never takes coins it did not buy). */
function parseBudget(spec: string, quote: string): Decimal {
  const text = spec.trim();
  const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(text);
  if (m && m[1]!.toUpperCase() !== quote) throw new UsageError(`--cash ${JSON.stringify(spec)}: a live bot's budget is in its quote currency ${quote} (coins already on the account stay external)`);
  if (text.includes(',')) throw new UsageError(`--cash ${JSON.stringify(spec)}: a live bot's budget is one amount of ${quote}`);
  return parseDecimal(m ? m[2] : text, { name: '--cash' });
}

/**
 * Money an operator accepted as gone from (or added to) the ledger outside its fills is not
 * profit or loss: the equity marks status compares against move with it.
 */
export function shiftEquityMarks(equity: BotRuntime['equity'], value: Decimal): BotRuntime['equity'] {
  if (!equity || value.isZero()) return equity;
  return { ...equity, start: new Dec(equity.start).plus(value).toFixed(), dayStart: new Dec(equity.dayStart).plus(value).toFixed() };
}
