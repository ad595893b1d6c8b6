/** The built-in strategies whose decisions come from outside (src/signals/). */
export const SIGNAL_STRATEGY_NAMES: readonly string[] = ['webhook', 'http-signal'];
