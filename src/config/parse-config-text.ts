/**
 * Config file text -> plain data. Only data formats: nothing read as configuration ever runs as
 * code. YAML lives in its own module (parse-yaml-config.ts) so that a run without a YAML config
 * never loads the yaml package.
 */
import { ConfigError } from './validate-config.js';

export function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parse JSON text; syntax errors become a ConfigError naming file, line and column. Empty -> undefined. */
export function parseJsonConfig(text: string, source: string): unknown {
  const body = stripBom(text);
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    const msg = (err as Error).message;
    const m = /at position (\d+)/.exec(msg);
    let where = source;
    if (m) {
      const before = body.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      const col = Number(m[1]) - before.lastIndexOf('\n');
      where = `${source}:${line}:${col}`;
    }
    const detail = msg.replace(/\s*in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError([`${where}: invalid JSON: ${detail}`], { cause: err });
  }
}

/** Parse YAML text (loads the yaml package on first use). Empty or comment-only -> undefined. */
export async function parseYamlConfigLazily(text: string, source: string): Promise<unknown> {
  const { parseYamlConfig } = await import('./parse-yaml-config.js');
  return parseYamlConfig(text, source);
}
