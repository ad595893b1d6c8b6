import { UsageError } from '../core/errors.js';
import type { ConfigInput } from '../config/schema.js';
import { botPaths } from '../store/bot-paths.js';
import { readStateDoc } from '../store/read-state.js';
import { SIGNAL_STRATEGY_NAMES } from './signal-strategy-names.js';

/**
 * `paper --shadow LIVEBOT`: what a new shadow takes from the bot it follows when the start does not
 * say otherwise: the exchange (and its URL), the pairs, the timeframe, the signal strategy and,
 * for http-signal, the service. The rest (cash, stake, risk, fallback, confidence) is the shadow's
 * own: that is the rule it tries beside the live bot.
 */
export async function shadowDefaults(home: string, self: string, liveName: string): Promise<{ defaults: ConfigInput; alertsPath: string }> {
  if (liveName === self) throw new UsageError(`bot ${self} cannot shadow itself`);
  const paths = botPaths(home, liveName);
  const doc = await readStateDoc(paths.state);
  if (!doc) throw new UsageError(`--shadow ${liveName}: no bot named ${liveName} in ${home}`);
  const b = doc.bot;
  if (!SIGNAL_STRATEGY_NAMES.includes(b.strategy.name)) throw new UsageError(`--shadow ${liveName}: it runs ${b.strategy.name}, not a signal strategy (${SIGNAL_STRATEGY_NAMES.join(', ')}): there are no signals to follow`);
  const url = doc.settings.signals?.url ?? null;
  return {
    defaults: {
      exchange: { id: b.exchange, apiUrl: b.apiUrl, ...(b.sandbox !== null ? { sandbox: b.sandbox } : {}) },
      pair: b.pairs.join(','),
      timeframe: b.timeframe,
      strategy: { name: b.strategy.name, params: {} },
      ...(b.strategy.name === 'http-signal' && url !== null ? { signals: { url } } : {}),
    },
    alertsPath: paths.alerts,
  };
}
