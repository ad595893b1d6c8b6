import { stringify } from 'yaml';
import { ConfigError } from './validate-config.js';
import { loadConfig, resolveConfig, type LoadConfigOptions } from './load-config.js';
import { redactConfig } from './redact.js';
import { UsageError } from '../core/errors.js';

/** `tradebot config validate`: every problem on its own line (stderr), then a one-line verdict. */
export async function validateConfigFile(opts: LoadConfigOptions, stderr: NodeJS.WritableStream): Promise<string> {
  try {
    const { filepath, config } = await loadConfig(opts);
    resolveConfig(config);
    return filepath ? `ok: ${filepath} is valid\n` : 'ok: no config file found; the defaults apply\n';
  } catch (err) {
    if (err instanceof ConfigError && err.problems.length > 1) {
      for (const p of err.problems) stderr.write(`${p}\n`);
      throw new UsageError(`the configuration has ${err.problems.length} problems (listed above)`);
    }
    throw err;
  }
}

/** `config show --json`: {schemaVersion, source, config}. */
export const CONFIG_JSON_SCHEMA_VERSION = 1;

/** `tradebot config show`: the effective configuration, secrets redacted. */
export async function showConfig(opts: LoadConfigOptions, json: boolean): Promise<string> {
  const { filepath, config } = await loadConfig(opts);
  const effective = redactConfig(resolveConfig(config));
  if (json) return `${JSON.stringify({ schemaVersion: CONFIG_JSON_SCHEMA_VERSION, source: filepath, config: effective }, null, 2)}\n`;
  return `# source: ${filepath ?? 'defaults (no config file found)'}\n${stringify(effective)}`;
}
