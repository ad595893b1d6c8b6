import { readBotStatus } from '../bot/status.js';
import { sendControl } from '../bot/send-control.js';
import { readHistory } from '../history/read-history.js';
import { profitSummary } from '../history/profit.js';
import { duration, money, pct, price, signed, utc } from '../report/history-text.js';
import type { ChatId } from '../config/schema.js';
import type { CommandHandler } from './telegram-commands.js';

export const HELP = [
  '/status - state, equity, PnL, positions',
  '/trades - the last trades',
  '/profit - realised and unrealised PnL, win rate',
  '/daily - profit per day (last 7)',
  '/balance - what the bot holds',
  '/pause - no new entries',
  '/resume - entries again',
  '/stop - stop the bot',
  '/forceexit PAIR|all - sell a position at market',
  '/panic - cancel everything, sell at market, stop (asks first)',
  '/help - this list',
].join('\n');

/**
 * The answers to Telegram's commands. Read commands read the bot's files, as `tradebot status`,
 * `trades` and `profit` do; the others write a control request, as `tradebot pause|resume|stop|
 * forceexit|panic` do, and wait for the bot's acknowledgement: one control path for both.
 */
export function botCommands(o: { home: string; name: string; timeoutMs?: number; now?: () => number }): { handlers: Record<string, CommandHandler>; panic: CommandHandler } {
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const by = (chatId: ChatId) => `telegram chat ${chatId}`;
  const steer = async (command: 'pause' | 'resume' | 'forceexit', chatId: ChatId, pair?: string) => {
    const out = await sendControl({ home: o.home, name: o.name, command, timeoutMs, by: by(chatId), ...(pair !== undefined ? { pair } : {}) });
    if (out.result === 'not-running') return `bot ${o.name} is not running`;
    return out.detail !== undefined ? `${command}: ${out.detail}` : `${o.name} ${command === 'pause' ? 'paused: no new entries' : 'resumed'}`;
  };
  const handlers: Record<string, CommandHandler> = {
    '/start': async () => HELP,
    '/help': async () => HELP,
    '/status': async () => {
      const v = await readBotStatus(o.home, o.name, now());
      const lines = [`${v.name}: ${v.state}${v.mode ? ` (${v.mode})` : ''} ${v.pairs.join(', ')} ${v.timeframe ?? ''}`.trimEnd()];
      if (v.equity) lines.push(`equity ${money(v.equity.last)} ${v.quote ?? ''}, PnL ${signed(v.equity.pnl)} (${pct(v.equity.pnlPct)})${v.equity.today !== null ? `, today ${signed(v.equity.today)}` : ''}`);
      for (const p of v.positions) lines.push(`${p.symbol} ${price(p.qty)} at ${price(p.entryPrice)}, now ${price(p.lastPrice)}: ${signed(p.unrealizedPnl)}`);
      if (v.positions.length === 0) lines.push('no open position');
      if (v.openOrders.length > 0) lines.push(`${v.openOrders.length} open order(s)`);
      if (v.riskHalt) lines.push(`HALTED: ${v.riskHalt.message}`);
      if (v.degraded) lines.push(`DEGRADED: ${v.degraded.message}`);
      return lines.join('\n');
    },
    '/trades': async () => {
      const { trades, doc } = await readHistory(o.home, o.name);
      if (trades.length === 0) return 'no trades yet';
      return trades
        .slice(-8)
        .map((t) =>
          t.open
            ? `#${t.id} ${t.symbol} open since ${utc(t.entryTime)} at ${price(t.entryPrice)}: ${signed(t.pnl)} ${doc.bot.quote}`
            : `#${t.id} ${t.symbol} ${price(t.entryPrice)} -> ${price(t.exitPrice)} ${duration(t.durationMs)} ${t.exitReason ?? ''}: ${signed(t.pnl)} (${pct(t.pnlPct)})`,
        )
        .join('\n');
    },
    '/profit': async () => {
      const { doc, trades } = await readHistory(o.home, o.name);
      const p = profitSummary(doc, trades, { now: now() });
      const q = p.quote;
      return [
        `realised ${signed(p.realizedPnl)} ${q} (${p.closedTrades} trades)`,
        `unrealised ${signed(p.unrealizedPnl)} ${q} (${p.openTrades} open)`,
        `win rate ${p.winRate === null ? '-' : `${(p.winRate * 100).toFixed(1)}%`}, fees ${money(p.fees, 4)} ${q}`,
        ...(p.best ? [`best #${p.best.id} ${signed(p.best.pnl)}, worst #${p.worst!.id} ${signed(p.worst!.pnl)}`] : []),
      ].join('\n');
    },
    '/daily': async () => {
      const { doc, trades } = await readHistory(o.home, o.name);
      const p = profitSummary(doc, trades, { now: now(), period: 'daily', count: 7 });
      return [`day         trades  pnl ${p.quote}`, ...p.periods!.rows.map((r) => `${r.period}  ${String(r.trades).padStart(6)}  ${signed(r.pnl)}`)].join('\n');
    },
    '/balance': async () => {
      const { doc } = await readHistory(o.home, o.name);
      const b = doc.engine?.portfolio.balances ?? {};
      const lines = Object.entries(b).map(([c, v]) => `${c} ${price(v)}`);
      const ext = doc.runtime.external?.balances ?? {};
      if (Object.keys(ext).length > 0) lines.push(`not the bot's (external): ${Object.entries(ext).map(([c, v]) => `${c} ${price(v)}`).join(', ')}`);
      return lines.join('\n') || 'no balances';
    },
    '/pause': async (_a, chatId) => steer('pause', chatId),
    '/resume': async (_a, chatId) => steer('resume', chatId),
    '/forceexit': async (args, chatId) => {
      if (args.length !== 1) return 'usage: /forceexit PAIR (e.g. BTC/USDT) or /forceexit all';
      return steer('forceexit', chatId, args[0] === 'all' ? 'all' : args[0]!.toUpperCase());
    },
    '/stop': async (_a, chatId) => {
      const out = await sendControl({ home: o.home, name: o.name, command: 'stop', timeoutMs, by: by(chatId), waitForExit: false });
      return out.result === 'not-running' ? `bot ${o.name} is not running` : `${o.name} stopping (orders and positions are kept)`;
    },
  };
  const panic: CommandHandler = async (_a, chatId) => {
    const out = await sendControl({ home: o.home, name: o.name, command: 'stop', as: 'panic', timeoutMs, by: by(chatId), waitForExit: false });
    return out.result === 'not-running' ? `bot ${o.name} is not running` : `${o.name}: PANIC acknowledged: cancelling orders, selling positions, stopping`;
  };
  return { handlers, panic };
}
