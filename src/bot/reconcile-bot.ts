import type { TradebotConfig } from '../config/schema.js';
import type { ReconcileAction, ReconcilePlan } from '../engine/reconcile.js';
import { openLiveBot } from './open-bot.js';
import { applyDrift, makePlan, planRecovery } from './recover-live.js';

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
 * drift are applied to the bot's state (nothing is sent to the exchange) and written durably.
 */
export async function reconcileBot(cfg: TradebotConfig, o: { home: string; name: string; apply: boolean; env: NodeJS.ProcessEnv; sleep?: (ms: number) => Promise<void> }): Promise<ReconcileOutcome> {
  const bot = await openLiveBot(cfg, { home: o.home, name: o.name, command: `tradebot reconcile ${o.name}${o.apply ? ' --apply' : ''}`, env: o.env, readOnly: !o.apply });
  try {
    const now = () => Date.now();
    const plan = await planRecovery({ ...bot, now, ...(o.sleep ? { sleep: o.sleep } : {}) });
    if (!o.apply) return { plan, applied: [], after: null };
    applyDrift(bot.engine, bot.port, plan, now());
    await bot.store.checkpoint(() => bot.engine.snapshot());
    const after = await makePlan(bot, o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))));
    return { plan, applied: [...plan.safe, ...plan.drift], after };
  } finally {
    await bot.close();
  }
}
