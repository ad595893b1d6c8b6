import type { StrategyDefinition } from '../strategies/types.js';
import { describeRange } from '../strategies/params.js';

/** `strategies --json`: a versioned document, like every --json output. */
export const STRATEGIES_JSON_SCHEMA_VERSION = 1;

export function strategiesJson(defs: readonly StrategyDefinition[]): string {
  const strategies = defs.map(({ name, description, params }) => ({ name, description, params }));
  return `${JSON.stringify({ schemaVersion: STRATEGIES_JSON_SCHEMA_VERSION, strategies }, null, 2)}\n`;
}

export function renderStrategies(defs: readonly StrategyDefinition[]): string {
  const lines: string[] = [];
  for (const d of defs) {
    lines.push(`${d.name}  ${d.description}`);
    for (const [k, spec] of Object.entries(d.params)) {
      lines.push(`  ${k.padEnd(10)} ${spec.description}; ${describeRange(spec)} (default: ${String(spec.default)})`);
    }
    lines.push('');
  }
  lines.push('Use: tradebot backtest --strategy NAME --param name=value, or --strategy ./my-strategy.js');
  return `${lines.join('\n')}\n`;
}
