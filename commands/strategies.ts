import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';

export function strategiesCommand(env: CommandEnv): Command {
  return new Command('strategies')
    .description('List the built-in strategies and their parameters')
    .option('--json', 'print {schemaVersion, strategies: [...]} as JSON', false)
    .action(async (opts: { json: boolean }) => {
      const { BUILT_IN_STRATEGIES } = await import('../src/strategies/registry.js');
      const { renderStrategies, strategiesJson } = await import('../src/report/strategies.js');
      env.stdout.write(opts.json ? strategiesJson(BUILT_IN_STRATEGIES) : renderStrategies(BUILT_IN_STRATEGIES));
    });
}
