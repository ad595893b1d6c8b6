import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BotEvent } from '../bot/bot-events.js';

/** What the metrics read from the running bot at each scrape (cheap: no I/O). */
export interface BotReadings {
  equity: number | null;
  realizedPnl: number;
  unrealizedPnl: number;
  openPositions: number;
  /** orders the engine holds, by status */
  orders: Record<string, number>;
  /** seconds; null before the first candle */
  lastCandleAgeSec: number | null;
  heartbeatAgeSec: number;
  paused: boolean;
  halted: boolean;
  notifyQueued: number;
}

/**
 * The bot's Prometheus metrics (prom-client, a registry of its own). Gauges are read from the bot
 * when scraped; counters follow its event stream. Every series carries `bot` and `mode`.
 */
export class BotMetrics {
  readonly registry = new Registry();
  private readonly fills: Counter<'side'>;
  private readonly exchangeErrors: Counter<'kind'>;
  private readonly ordersSent: Counter;
  private readonly denials: Counter<'code'>;
  private readonly notifications: Counter<'channel' | 'result'>;
  private readonly notifyFailures: Counter<'channel'>;
  private readonly tradesClosed: Counter<'reason'>;

  constructor(labels: { bot: string; mode: string; quote: string }, read: () => BotReadings) {
    const r = this.registry;
    r.setDefaultLabels({ bot: labels.bot, mode: labels.mode });
    collectDefaultMetrics({ register: r, prefix: 'tradebot_process_' });
    let last: BotReadings | null = null;
    // one reading per scrape, shared by every gauge
    const reading = (): BotReadings => (last ??= read());
    const gauge = (name: string, help: string, value: (x: BotReadings) => number | null) =>
      new Gauge({
        name,
        help,
        registers: [r],
        collect() {
          const v = value(reading());
          if (v === null) this.reset();
          else this.set(v);
        },
      });
    gauge('tradebot_equity', `equity marked at the last close, in ${labels.quote}`, (x) => x.equity);
    gauge('tradebot_pnl_realized', `realised PnL net of fees, in ${labels.quote}`, (x) => x.realizedPnl);
    gauge('tradebot_pnl_unrealized', `unrealised PnL of open positions at the last close, in ${labels.quote}`, (x) => x.unrealizedPnl);
    gauge('tradebot_open_positions', 'positions open', (x) => x.openPositions);
    gauge('tradebot_last_candle_age_seconds', 'seconds since the bot last handled a new candle', (x) => x.lastCandleAgeSec);
    gauge('tradebot_heartbeat_age_seconds', 'seconds since the bot last wrote its state', (x) => x.heartbeatAgeSec);
    gauge('tradebot_paused', '1 while paused (no new entries)', (x) => (x.paused ? 1 : 0));
    gauge('tradebot_halted', '1 while a risk limit halts new entries', (x) => (x.halted ? 1 : 0));
    gauge('tradebot_notifications_queued', 'messages waiting for delivery', (x) => x.notifyQueued);
    new Gauge({
      name: 'tradebot_orders',
      help: 'orders the bot holds in memory, by status',
      labelNames: ['status'],
      registers: [r],
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(reading().orders)) this.set({ status }, n);
        last = null; // collected last: the next scrape reads afresh
      },
    });
    this.ordersSent = new Counter({ name: 'tradebot_orders_sent_total', help: 'orders sent to the exchange', registers: [r] });
    this.fills = new Counter({ name: 'tradebot_fills_total', help: 'fills', labelNames: ['side'], registers: [r] });
    this.tradesClosed = new Counter({ name: 'tradebot_trades_closed_total', help: 'round trips closed, by exit reason', labelNames: ['reason'], registers: [r] });
    this.exchangeErrors = new Counter({ name: 'tradebot_exchange_errors_total', help: 'exchange failures, by kind (orders and candle polls)', labelNames: ['kind'], registers: [r] });
    this.denials = new Counter({ name: 'tradebot_risk_denials_total', help: 'intents refused before sending, by code', labelNames: ['code'], registers: [r] });
    this.notifications = new Counter({ name: 'tradebot_notifications_total', help: 'delivery attempts, by channel and result', labelNames: ['channel', 'result'], registers: [r] });
    this.notifyFailures = new Counter({ name: 'tradebot_notification_failures_total', help: 'failed deliveries, by channel', labelNames: ['channel'], registers: [r] });
  }

  onEvent(e: BotEvent): void {
    if (e.kind === 'order-sent') this.ordersSent.inc();
    else if (e.kind === 'fill') this.fills.inc({ side: e.side });
    else if (e.kind === 'trade-closed') this.tradesClosed.inc({ reason: e.purpose === 'exit' || e.purpose === null ? 'signal' : e.purpose });
    else if (e.kind === 'exchange-error') this.exchangeErrors.inc({ kind: e.failure });
    else if (e.kind === 'feed-degraded') this.exchangeErrors.inc({ kind: 'feed' });
    else if (e.kind === 'risk-denied') this.denials.inc({ code: e.code });
  }

  onDelivery(channel: 'telegram' | 'webhook', ok: boolean): void {
    this.notifications.inc({ channel, result: ok ? 'ok' : 'failed' });
    if (!ok) this.notifyFailures.inc({ channel });
  }
}
