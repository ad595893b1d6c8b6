import { Command } from 'commander';
import type { CommandEnv } from '../src/io.js';

export function configCommand(env: CommandEnv): Command {
  const config = new Command('config').description('Check and show the configuration');
  config
    .command('validate')
    .description('Validate the config file (every problem is listed); exit 2 when invalid')
    .option('--config <file>', 'config file (default: search tradebot.config.yaml, .tradebotrc.yaml, .tradebotrc.json, package.json#tradebot)')
    .action(async (opts: { config?: string }) => {
      const { validateConfigFile } = await import('../src/config/config-commands.js');
      env.stdout.write(await validateConfigFile({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) }, env.stderr));
    });
  config
    .command('show')
    .description('Show the effective configuration, defaults included, secrets redacted')
    .option('--config <file>', 'config file (default: search as for validate)')
    .option('--json', 'print {schemaVersion, source, config} as JSON instead of YAML', false)
    .action(async (opts: { config?: string; json: boolean }) => {
      const { showConfig } = await import('../src/config/config-commands.js');
      env.stdout.write(await showConfig({ cwd: env.cwd, ...(opts.config ? { configFile: opts.config } : {}) }, opts.json));
    });
  for (const c of config.commands) c.exitOverride();
  return config.exitOverride();
}
