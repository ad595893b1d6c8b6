import { accountsOf } from '../bot/account-view.js';
import type { BotStatusView } from '../bot/status.js';

/** `status --json` and `status NAME --json`: a file of its own so that JSON output never loads chalk. */
export const STATUS_JSON_SCHEMA_VERSION = 1;

export function statusJson(views: BotStatusView[]): string {
  return `${JSON.stringify({ schemaVersion: STATUS_JSON_SCHEMA_VERSION, bots: views, accounts: accountsOf(views) }, null, 2)}\n`;
}

export function botJson(view: BotStatusView): string {
  return `${JSON.stringify({ schemaVersion: STATUS_JSON_SCHEMA_VERSION, ...view }, null, 2)}\n`;
}
