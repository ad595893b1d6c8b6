import type { TradebotConfig } from '../config/schema.js';
import type { ReconcileAction, ReconcilePlan } from '../engine/reconcile.js';
import { openLiveBot } from './open-bot.js';
import { applyDrift, externalHoldings, makePlan, planRecovery } from './recover-live.js';
import { shiftEquityMarks } from './live-capital.js';

export interface ReconcileOutcome {
  /** what the bot and the exchange disagree on: the safe corrections and the drift */
  plan: ReconcilePlan;
  /** with apply: what was written to the bot's state */
  applied: ReconcileAction[];
  /** with apply: the comparison made again afterwards (drift left means it did not converge) */
  after: ReconcilePlan | null;
}

/**
 * `tradebot reconcile NAME`: the comparison a live bot makes at start-up (src/bot/recover-live.ts),
 * on demand, with the bot stopped. Plan: nothing is written. Apply: the safe corrections and the
 * drift are applied to the bot's state (nothing is sent to the exchange) and written durably; a
 * shortfall is journaled as a transfer out of the ledger, so `state check` still adds up.
 */
export async function reconcileBot(cfg: TradebotConfig, o: { home: string; name: string; apply: boolean; env: NodeJS.ProcessEnv; sleep?: (ms: number) => Promise<void> }): Promise<ReconcileOutcome> {
  const bot = await openLiveBot(cfg, { home: o.home, name: o.name, command: `tradebot reconcile ${o.name}${o.apply ? ' --apply' : ''}`, env: o.env, readOnly: !o.apply });
  try {
    const now = () => Date.now();
    const plan = await planRecovery({ ...bot, now, ...(o.sleep ? { sleep: o.sleep } : {}) });
    if (!o.apply) return { plan, applied: [], after: null };
    const transferred = await applyDrift(bot.engine, bot.port, plan, now());
    // the state file's runtime is the bot's: only what this comparison learnt changes in it
    const rt = bot.doc.runtime;
    rt.equity = shiftEquityMarks(rt.equity, transferred);
    rt.external = { time: now(), balances: externalHoldings(plan) };
    await bot.store.checkpoint(() => bot.engine.snapshot());
    const after = await makePlan(bot, o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))));
    return { plan, applied: [...plan.safe, ...plan.drift], after };
  } finally {
    await bot.close();
  }
}
