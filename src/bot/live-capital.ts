import { Dec, parseDecimal, type Dec as Decimal } from '../core/money.js';
import { UsageError } from '../core/errors.js';
import type { BotRuntime } from '../store/bot-state.js';
import { allocateBudget, keepAllocation, type BudgetAsk } from './allocations.js';

/**
 * A live bot's capital is its budget, in its quote currency, fixed when the bot is created:
 * `--budget` (or its older name `--cash`): an amount or a share of what the account has free,
 * else all of it; never more than the account's free quote less the other bots' budgets
 * (allocations.ts). Its ledger starts from the budget alone and changes only by its own
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
  /** --budget (or --cash) as typed */
  requested?: string | undefined;
  /** the flag it was typed as, for messages */
  flag?: string;
  /** the tradebot home (allocations.json) and the account the bot trades */
  home: string;
  account: string;
  now: number;
  /** the account's free quote balance (asked only for a new bot, under the allocations lock) */
  freeQuote: () => Promise<Decimal>;
}): Promise<Budget> {
  const flag = o.flag ?? '--budget';
  const asked = o.requested === undefined ? undefined : parseBudget(o.requested, o.quote, flag);
  if (o.stored) {
    const kept = new Dec(o.stored[o.quote] ?? 0);
    // a share in the config file (flag 'budget') was turned into the stored amount at creation
    if (asked && (asked.kind === 'share' ? flag !== 'budget' : !asked.amount.eq(kept))) {
      throw new UsageError(`bot ${o.bot} was given a budget of ${kept.toFixed()} ${o.quote} when it was created; ${flag} ${o.requested} would change it: a live bot's capital is fixed (start a new bot for another budget)`);
    }
    await keepAllocation({ home: o.home, account: o.account, bot: o.bot, quote: o.quote, budget: kept, now: o.now });
    return { balances: Object.fromEntries(Object.entries(o.stored).map(([k, v]) => [k, new Dec(v)])), summary: `budget ${kept.toFixed()} ${o.quote} (given when the bot was created)` };
  }
  const { budget, free, others } = await allocateBudget({ home: o.home, account: o.account, bot: o.bot, quote: o.quote, ask: asked, flag, now: o.now, freeQuote: o.freeQuote });
  const shared = others.isZero() ? '' : `, ${others.toFixed()} ${o.quote} of it allocated to other bots`;
  const how = asked ? `${flag} ${asked.text}` : `no ${flag}: all that is free`;
  return { balances: { [o.quote]: budget }, summary: `budget ${budget.toFixed()} ${o.quote} (${how}) of the account's free ${free.toFixed()} ${o.quote}${shared}; the rest of the account is external` };
}

/** `1000`, `USDT=1000` or `20%`: the quote currency only (a live bot never takes coins it did not buy). */
export function parseBudget(spec: string, quote: string, flag = '--budget'): BudgetAsk {
  const text = spec.trim();
  const pct = /^(.*)%$/.exec(text);
  if (pct) {
    const share = parseDecimal(pct[1]!.trim(), { name: flag });
    if (share.gt(100)) throw new UsageError(`${flag} ${JSON.stringify(spec)}: a share of the account is at most 100%`);
    return { kind: 'share', share, text };
  }
  const m = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(text);
  if (m && m[1]!.toUpperCase() !== quote) throw new UsageError(`${flag} ${JSON.stringify(spec)}: a live bot's budget is in its quote currency ${quote} (coins already on the account stay external)`);
  if (text.includes(',')) throw new UsageError(`${flag} ${JSON.stringify(spec)}: a live bot's budget is one amount of ${quote}`);
  return { kind: 'amount', amount: parseDecimal(m ? m[2]! : text, { name: flag }), text };
}

/**
 * Money an operator accepted as gone from (or added to) the ledger outside its fills is not
 * profit or loss: the equity marks status compares against move with it.
 */
export function shiftEquityMarks(equity: BotRuntime['equity'], value: Decimal): BotRuntime['equity'] {
  if (!equity || value.isZero()) return equity;
  return { ...equity, start: new Dec(equity.start).plus(value).toFixed(), dayStart: new Dec(equity.dayStart).plus(value).toFixed() };
}
