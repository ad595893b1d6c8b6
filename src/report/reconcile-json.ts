import type { ReconcileAction, ReconcilePlan } from '../engine/reconcile.js';
import type { ReconcileOutcome } from '../bot/reconcile-bot.js';

/** Version of the document `tradebot reconcile --json` prints: a public interface. */
export const RECONCILE_JSON_SCHEMA_VERSION = 1;

/** An action without the exchange's order object (its fields are already in the action). */
function actionJson(a: ReconcileAction): Record<string, unknown> {
  const { order: _order, ...rest } = a as ReconcileAction & { order?: unknown };
  return rest;
}

const planJson = (p: ReconcilePlan) => ({ safe: p.safe.map(actionJson), drift: p.drift.map(actionJson), external: p.external.map(actionJson) });

/**
 * `{schemaVersion, bot, applied, ok, safe, drift, external, after}`: `ok` is true when no drift is
 * left (the exit code is 0); `after` is the comparison made again after --apply, else null.
 */
export function reconcileJson(bot: string, r: ReconcileOutcome): string {
  const left = r.after ? r.after.drift.length : r.plan.drift.length;
  const doc = {
    schemaVersion: RECONCILE_JSON_SCHEMA_VERSION,
    bot,
    applied: r.after !== null,
    ok: left === 0,
    ...planJson(r.plan),
    after: r.after ? planJson(r.after) : null,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
