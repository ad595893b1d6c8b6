import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Dec, type Dec as Decimal } from '../core/money.js';
import { StateError, UsageError } from '../core/errors.js';
import { writeFileDurable } from '../store/durable-write.js';
import { ensureDir } from '../store/ensure-dir.js';

/**
 * Several live bots on one account share its free quote through one small file in the tradebot
 * home, `allocations.json`: each bot's budget, by account. A new bot's budget is taken under a
 * lock that also covers asking the exchange for the free balance, so two bots that start at the
 * same moment are served one after the other and can never be given the same coins: a budget is
 * at most the account's free quote less every other bot's budget on that account. That is
 * conservative (coins another bot already bought are subtracted twice, once from the free balance
 * and once as its budget), never generous. Each bot then spends only its own ledger.
 */
export interface AllocationEntry {
  quote: string;
  /** the bot's budget, exact decimal text */
  budget: string;
  since: number;
}

export interface AllocationsDoc {
  schemaVersion: 1;
  /** account (exchange id + masked key) -> bot -> its allocation */
  accounts: Record<string, Record<string, AllocationEntry>>;
}

export function allocationsPath(home: string): string {
  return join(home, 'allocations.json');
}

/** Read-only (status): an absent file is no allocation; an unreadable one is a state error. */
export async function readAllocations(home: string): Promise<AllocationsDoc> {
  const path = allocationsPath(home);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { schemaVersion: 1, accounts: {} };
    throw new StateError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const doc = JSON.parse(text) as AllocationsDoc;
    if (doc.schemaVersion !== 1 || typeof doc.accounts !== 'object' || doc.accounts === null) throw new Error('not an allocations file (schemaVersion 1)');
    for (const bots of Object.values(doc.accounts)) for (const e of Object.values(bots)) new Dec(e.budget);
    return doc;
  } catch (err) {
    throw new StateError(`${path} is unusable (${(err as Error).message}): fix or remove it`, { cause: err });
  }
}

/** Runs `fn` with the allocations of the home locked; what it returns as `doc` is written durably. */
export async function withAllocations<T>(home: string, fn: (doc: AllocationsDoc) => Promise<{ doc: AllocationsDoc | null; value: T }>): Promise<T> {
  await ensureDir(home, 0o700);
  const path = allocationsPath(home);
  const { default: lockfile } = await import('proper-lockfile');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(home, { realpath: false, lockfilePath: `${path}.lock`, stale: 30_000, update: 5_000, retries: { retries: 100, minTimeout: 50, maxTimeout: 300 } });
  } catch (err) {
    throw new StateError(`cannot lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { doc, value } = await fn(await readAllocations(home));
    if (doc) await writeFileDurable(path, `${JSON.stringify(doc, null, 2)}\n`);
    return value;
  } finally {
    await release().catch(() => undefined);
  }
}

/** `2000`, `USDT=2000` or `20%` (of the account's free quote, less what other bots hold). */
export type BudgetAsk = { kind: 'amount'; amount: Decimal; text: string } | { kind: 'share'; share: Decimal; text: string };

/**
 * A new bot's budget, allocated: the asked amount (or share of what is available), refused
 * (UsageError, exit 2) when it is more than the account's free quote less the other bots'
 * budgets. Without an ask, all that is available.
 */
export async function allocateBudget(o: {
  home: string;
  account: string;
  bot: string;
  quote: string;
  ask: BudgetAsk | undefined;
  flag: string;
  now: number;
  freeQuote: () => Promise<Decimal>;
}): Promise<{ budget: Decimal; free: Decimal; others: Decimal }> {
  return withAllocations(o.home, async (doc) => {
    const bots = { ...(doc.accounts[o.account] ?? {}) };
    delete bots[o.bot]; // a bot created again (its state removed) takes its new budget
    const others = Object.values(bots)
      .filter((e) => e.quote === o.quote)
      .reduce((s, e) => s.plus(new Dec(e.budget)), new Dec(0));
    const free = await o.freeQuote();
    const available = free.minus(others);
    const taken = others.isZero() ? '' : ` less ${others.toFixed()} ${o.quote} allocated to other bots (${Object.keys(bots).sort().join(', ')})`;
    let budget: Decimal;
    if (!o.ask) {
      if (available.lte(0)) throw new UsageError(`the account's free ${free.toFixed()} ${o.quote}${taken} leaves nothing for bot ${o.bot}: give it a --budget the account can cover`);
      budget = available;
    } else if (o.ask.kind === 'share') {
      budget = available.mul(o.ask.share).div(100).toDP(8, Dec.ROUND_DOWN);
      if (budget.lte(0)) throw new UsageError(`${o.flag} ${o.ask.text}: the account's free ${free.toFixed()} ${o.quote}${taken} leaves nothing for bot ${o.bot}`);
    } else {
      budget = o.ask.amount;
      if (budget.gt(available)) {
        throw new UsageError(`${o.flag} ${budget.toFixed()} ${o.quote} is more than the account can cover: its free ${free.toFixed()} ${o.quote}${taken} leaves ${Dec.max(available, new Dec(0)).toFixed()} ${o.quote}`);
      }
    }
    const next: AllocationsDoc = { ...doc, accounts: { ...doc.accounts, [o.account]: { ...bots, [o.bot]: { quote: o.quote, budget: budget.toFixed(), since: o.now } } } };
    return { doc: next, value: { budget, free, others } };
  });
}

/** A resumed bot's budget is on file again (an allocations file lost or older than the bot). */
export async function keepAllocation(o: { home: string; account: string; bot: string; quote: string; budget: Decimal; now: number }): Promise<void> {
  await withAllocations(o.home, async (doc) => {
    const had = doc.accounts[o.account]?.[o.bot];
    if (had && had.quote === o.quote && new Dec(had.budget).eq(o.budget)) return { doc: null, value: undefined };
    const bots = { ...(doc.accounts[o.account] ?? {}), [o.bot]: { quote: o.quote, budget: o.budget.toFixed(), since: had?.since ?? o.now } };
    return { doc: { ...doc, accounts: { ...doc.accounts, [o.account]: bots } }, value: undefined };
  });
}

/** A removed bot gives its budget back. */
export async function releaseAllocation(home: string, bot: string): Promise<void> {
  await withAllocations(home, async (doc) => {
    let changed = false;
    const accounts: AllocationsDoc['accounts'] = {};
    for (const [acct, bots] of Object.entries(doc.accounts)) {
      const rest = { ...bots };
      if (bot in rest) {
        delete rest[bot];
        changed = true;
      }
      if (Object.keys(rest).length > 0) accounts[acct] = rest;
    }
    return { doc: changed ? { ...doc, accounts } : null, value: undefined };
  });
}
