import type { BotEvents } from '../bot/bot-events.js';
import type { BotLog } from '../bot/bot-log.js';
import type { NotifyConfig } from '../config/schema.js';
import { readHistory } from '../history/read-history.js';
import { profitSummary } from '../history/profit.js';
import { money, signed } from '../report/history-text.js';
import { botCommands } from './bot-commands.js';
import { Notifier } from './notifier.js';
import { emptyNotifyDoc, NotifyFile, readNotifyFile } from './notify-file.js';
import { notifyChannels } from './notify-secrets.js';
import { notifyPath } from './notify-path.js';
import { RemoteControl } from './telegram-commands.js';
import { TelegramApi } from './telegram-api.js';
import { WebhookChannel } from './webhook.js';

export interface RunningNotify {
  notifier: Notifier;
  /** stop taking commands, deliver what can be delivered in a few seconds, keep the rest */
  close(): Promise<void>;
}

/**
 * A bot's notifications and remote control, when `notify:` configures a channel (else null).
 * Called before the bot's `started` event, so that it is told too.
 */
export async function startNotify(o: {
  cfg: NotifyConfig;
  env: NodeJS.ProcessEnv;
  secretsFile: string | null;
  home: string;
  bot: { name: string; dir: string; mode: string; quote: string };
  events: BotEvents;
  log: BotLog;
  now: () => number;
  onDelivery?: (channel: 'telegram' | 'webhook', ok: boolean) => void;
}): Promise<RunningNotify | null> {
  const ch = await notifyChannels(o.cfg, { env: o.env, secretsFile: o.secretsFile });
  if (!ch.telegram && !ch.webhook) return null;
  const path = notifyPath(o.bot.dir);
  const file = new NotifyFile(path, (await readNotifyFile(path)) ?? emptyNotifyDoc());
  const log = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void o.log.write(o.now(), level, event, fields).catch(() => undefined);
  const api = ch.telegram ? new TelegramApi(o.cfg.telegram.apiUrl, ch.token!) : null;
  const label = { bot: o.bot.name, mode: o.bot.mode, quote: o.bot.quote };
  const notifier = new Notifier({
    file,
    cfg: o.cfg,
    label,
    telegram: api,
    webhook: ch.webhook ? new WebhookChannel({ ...o.cfg.webhook, url: o.cfg.webhook.url! }) : null,
    now: o.now,
    log,
    ...(o.onDelivery ? { onDelivery: o.onDelivery } : {}),
    dailyText: async (day) => {
      const { doc, trades } = await readHistory(o.home, o.bot.name);
      const p = profitSummary(doc, trades, { now: o.now(), period: 'daily', count: 1 });
      const dayTrades = trades.filter((t) => !t.open && new Date(t.exitTime!).toISOString().slice(0, 10) === day);
      const pnl = dayTrades.reduce((a, t) => a + Number(t.pnl), 0);
      return `daily ${day}: ${dayTrades.length} trade(s) closed, PnL ${signed(pnl.toFixed(2))} ${p.quote}; total realised ${signed(p.realizedPnl)}, ${p.openTrades} open; equity ${money(p.equity)} ${p.quote}`;
    },
    heartbeatText: async () => {
      const { doc, trades } = await readHistory(o.home, o.bot.name);
      const open = trades.filter((t) => t.open).length;
      return `still running (${doc.runtime.status}): equity ${money(doc.runtime.equity?.last ?? null)} ${doc.bot.quote}, ${open} open position(s)`;
    },
  });
  o.events.on((e) => notifier.onEvent(e));
  notifier.start();
  let remote: RemoteControl | null = null;
  if (api && o.cfg.telegram.commands) {
    const { handlers, panic } = botCommands({ home: o.home, name: o.bot.name, now: o.now });
    remote = new RemoteControl({ api, file, chatIds: o.cfg.telegram.chatIds, pollTimeoutSec: o.cfg.telegram.pollTimeout, handlers, panic, reply: (id, text) => notifier.reply(id, text), log, now: o.now });
    remote.start();
  }
  return {
    notifier,
    async close() {
      // a command still waiting for the bot (which is going away) is not waited for long
      if (remote) await Promise.race([remote.stop(), new Promise((r) => setTimeout(r, 3000).unref())]);
      await notifier.close();
    },
  };
}
