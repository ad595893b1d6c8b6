import { stat } from 'node:fs/promises';
import { Dec, ZERO, type Dec as Decimal } from '../core/money.js';
import type { BotStateDoc } from './bot-state.js';
import { botPaths } from './bot-paths.js';
import { Journal } from './journal.js';
import { readStateDoc } from './read-state.js';
import { lineageOf, readBackupLineage, successorProblem } from './bot-state-file.js';

/**
 * `tradebot state check`: a bot's files load the way the runner loads them, and its books add up.
 * Read-only, safe while the bot runs (state.json is replaced atomically, so it is read whole).
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckLine {
  bot: string;
  check: string;
  status: CheckStatus;
  message: string;
}

export async function checkBotState(home: string, name: string): Promise<CheckLine[]> {
  const paths = botPaths(home, name);
  const out: CheckLine[] = [];
  const add = (check: string, status: CheckStatus, message: string) => out.push({ bot: name, check, status, message });

  let doc: BotStateDoc | null = null;
  let stateRead = false;
  try {
    doc = await readStateDoc(paths.state);
    stateRead = true;
    if (doc) add('state', 'ok', `${paths.state} is valid (schema ${doc.schemaVersion}, written by tradebot ${doc.writtenBy})`);
  } catch (err) {
    add('state', 'fail', (err as Error).message);
  }

  const bak = `${paths.state}.bak`;
  if (await stat(bak).catch(() => null)) {
    try {
      await readStateDoc(bak);
      add('backup', 'ok', `${bak} is valid`);
    } catch (err) {
      add('backup', 'warn', (err as Error).message);
    }
  }

  let journalEntries = 0;
  try {
    const j = await Journal.read(paths.journal);
    journalEntries = j.entries.length + (j.torn ? 1 : 0);
    if (j.torn) add('journal', 'warn', `${paths.journal}: ${j.entries.length} entries; the last line is torn (a crash mid-append) and is ignored`);
    else add('journal', 'ok', `${paths.journal}: ${j.entries.length} entries`);
  } catch (err) {
    add('journal', 'fail', (err as Error).message);
  }

  // the state file is the successor of its backup: not missing, not another bot's, not older
  if (stateRead) {
    const problem = successorProblem(paths.state, doc ? lineageOf(doc) : null, await readBackupLineage(paths.state));
    if (problem) add('lineage', 'fail', problem);
    else if (!doc && journalEntries > 0) add('lineage', 'fail', `state file ${paths.state} is missing but the journal ${paths.journal} holds ${journalEntries} entries of earlier runs`);
    else if (!doc) add('state', 'warn', `no state file ${paths.state} (the bot never got past its start)`);
  }

  if (doc?.engine) for (const l of ledgerChecks(doc)) add(l.check, l.status, l.message);
  return out;
}

const fmt = (d: Decimal) => d.toFixed();
const dec = (v: string | undefined) => (v === undefined ? ZERO : new Dec(v));

/**
 * The books add up. Balances are starting cash plus what the round trips moved (quote by
 * proceeds − cost − fees, base by the quantity still held) plus the transfers an operator
 * accepted (reconcile --apply, live --adopt). A paper bot's simulated exchange holds exactly the
 * portfolio's balances (free + locked). Every trade id is applied once.
 * The quote rule assumes fees charged in quote, as the simulated exchange charges them.
 */
export function ledgerChecks(doc: BotStateDoc): Omit<CheckLine, 'bot'>[] {
  const out: Omit<CheckLine, 'bot'>[] = [];
  const p = doc.engine!.portfolio;
  const cash = doc.settings.cash;
  const trips = [...Object.values(p.open), ...p.closed];

  const quote = p.quote;
  let moved = ZERO;
  for (const rt of trips) moved = moved.plus(dec(rt.exitProceeds)).minus(dec(rt.entryCost)).minus(dec(rt.fees));
  const transfers = p.transfers ?? {};
  const tr = (c: string) => (transfers[c] === undefined ? '' : ` + transfers ${transfers[c]}`);
  const qWant = dec(cash[quote]).plus(moved).plus(dec(transfers[quote]));
  const qHave = dec(p.balances[quote]);
  out.push(
    qHave.eq(qWant)
      ? { check: 'quote-balance', status: 'ok', message: `${quote} ${fmt(qHave)} = start ${fmt(dec(cash[quote]))} + round trips ${fmt(moved)} (${trips.length})${tr(quote)}` }
      : { check: 'quote-balance', status: 'fail', message: `${quote} balance ${fmt(qHave)} but start ${fmt(dec(cash[quote]))} + round trips ${fmt(moved)}${tr(quote)} = ${fmt(qWant)} (off by ${fmt(qHave.minus(qWant))})` },
  );

  const bases = [...new Set(doc.bot.pairs.map((s) => s.split('/')[0]!))];
  for (const base of bases) {
    let held = ZERO;
    for (const rt of trips) if (rt.symbol.split('/')[0] === base) held = held.plus(dec(rt.qty));
    const want = dec(cash[base]).plus(held).plus(dec(transfers[base]));
    const have = dec(p.balances[base]);
    out.push(
      have.eq(want)
        ? { check: `base-balance ${base}`, status: 'ok', message: `${base} ${fmt(have)} = start ${fmt(dec(cash[base]))} + held ${fmt(held)}${tr(base)}` }
        : { check: `base-balance ${base}`, status: 'fail', message: `${base} balance ${fmt(have)} but start ${fmt(dec(cash[base]))} + held by round trips ${fmt(held)}${tr(base)} = ${fmt(want)} (off by ${fmt(have.minus(want))})` },
    );
  }

  if (doc.bot.mode === 'paper') {
    if (!doc.exchange) out.push({ check: 'exchange-balances', status: 'fail', message: 'a paper bot without its simulated exchange snapshot' });
    else {
      const currencies = [...new Set([...Object.keys(doc.exchange.accounts), ...Object.keys(p.balances)])].sort();
      const diffs: string[] = [];
      for (const c of currencies) {
        const a = doc.exchange.accounts[c];
        const total = a ? dec(a.free).plus(dec(a.used)) : ZERO;
        const have = dec(p.balances[c]);
        if (!total.eq(have)) diffs.push(`${c} exchange ${fmt(total)} (free ${a?.free ?? '0'} + locked ${a?.used ?? '0'}) vs portfolio ${fmt(have)}`);
      }
      out.push(
        diffs.length === 0
          ? { check: 'exchange-balances', status: 'ok', message: `the simulated exchange holds the portfolio's balances (${currencies.join(', ')})` }
          : { check: 'exchange-balances', status: 'fail', message: diffs.join('; ') },
      );
    }
  }

  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const o of doc.engine!.orders) {
    for (const id of o.tradeIds) {
      const first = seen.get(id);
      if (first !== undefined) dups.push(`${id} (${first}, ${o.clientOrderId})`);
      else seen.set(id, o.clientOrderId);
    }
  }
  out.push(
    dups.length === 0
      ? { check: 'trade-ids', status: 'ok', message: `${seen.size} trade ids, none applied twice` }
      : { check: 'trade-ids', status: 'fail', message: `trade ids applied more than once: ${dups.join(', ')}` },
  );
  return out;
}
