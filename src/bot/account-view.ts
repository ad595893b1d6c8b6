import { Dec } from '../core/money.js';
import type { BotStatusView } from './status.js';

/**
 * Live bots on one account, added up from their files (no exchange): each bot's budget, equity
 * and PnL, their totals, and what the account holds that is no bot's. A bot's last comparison
 * with the exchange (runtime.external) is the account less its own ledger; less the other bots'
 * ledgers too, it is what belongs to none of them: external, never sold, never counted.
 */
export interface AccountView {
  account: string;
  quote: string;
  bots: { name: string; budget: string | null; equity: string | null; pnl: string | null }[];
  budget: string;
  equity: string;
  pnl: string;
  /** no bot's: per currency, as of `externalTime`; null when no bot has compared yet */
  external: Record<string, string> | null;
  externalTime: number | null;
}

export function accountsOf(views: BotStatusView[]): AccountView[] {
  const groups = new Map<string, BotStatusView[]>();
  for (const v of views) {
    if (v.mode !== 'live' || !v.account || !v.quote) continue;
    const key = `${v.account}\u0000${v.quote}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const out: AccountView[] = [];
  for (const bots of groups.values()) {
    const sum = (f: (v: BotStatusView) => string | null | undefined) => bots.reduce((s, v) => s.plus(new Dec(f(v) ?? 0)), new Dec(0)).toFixed();
    const latest = bots.filter((v) => v.external).sort((x, y) => y.external!.time - x.external!.time)[0];
    let external: Record<string, string> | null = null;
    if (latest) {
      external = {};
      for (const [cur, amount] of Object.entries(latest.external!.balances)) {
        const others = bots.filter((v) => v !== latest).reduce((s, v) => s.plus(new Dec(v.balances?.[cur] ?? 0)), new Dec(0));
        const rest = new Dec(amount).minus(others);
        if (rest.gt(0)) external[cur] = rest.toFixed();
      }
    }
    out.push({
      account: bots[0]!.account!,
      quote: bots[0]!.quote!,
      bots: bots.map((v) => ({ name: v.name, budget: v.budget, equity: v.equity?.last ?? null, pnl: v.equity?.pnl ?? null })),
      budget: sum((v) => v.budget),
      equity: sum((v) => v.equity?.last),
      pnl: sum((v) => v.equity?.pnl),
      external,
      externalTime: latest?.external?.time ?? null,
    });
  }
  return out.sort((a, b) => a.account.localeCompare(b.account));
}

/** One line an account: its bots' budgets, equity and PnL, and what is no bot's. */
export function accountLines(accounts: AccountView[]): string[] {
  return accounts.map((a) => {
    const ext = a.external === null ? 'external: not compared yet' : `external (no bot's): ${Object.entries(a.external).map(([c, n]) => `${n} ${c}`).join(', ') || 'none'}`;
    const each = a.bots.map((b) => `${b.name} ${b.budget ?? '?'}`).join(', ');
    return `account ${a.account}: ${a.bots.length} bot${a.bots.length === 1 ? '' : 's'}, budgets ${a.budget} ${a.quote} (${each}), equity ${a.equity} ${a.quote}, PnL ${a.pnl} ${a.quote}; ${ext}`;
  });
}
