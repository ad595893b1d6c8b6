import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveHome } from '../config/home.js';

export interface BotHomeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --home DIR */
  home?: string;
  /** --config FILE */
  configFile?: string;
}

const RC_FILES = ['tradebot.config.yaml', '.tradebotrc.yaml', '.tradebotrc.json'];

/**
 * The home whose bots the read and control commands act on: --home, else the config's `home`
 * (as `tradebot paper` finds it), else TRADEBOT_HOME or the platform data directory.
 * Loading the config costs time (the yaml package, validation), so it is loaded only when a config file
 * may exist: a quick look for the file names from cwd upward (wider than the real search, which
 * then decides).
 */
export async function resolveBotHome(o: BotHomeOptions): Promise<string> {
  if (o.home) return path.resolve(o.cwd, o.home);
  let configHome: string | null = null;
  if (o.configFile !== undefined || mayHaveConfig(o.cwd)) {
    const { loadConfig } = await import('../config/load-config.js');
    const loaded = await loadConfig({ cwd: o.cwd, ...(o.configFile !== undefined ? { configFile: o.configFile } : {}) });
    configHome = loaded.config.home ?? null;
  }
  return resolveHome({ configHome, env: o.env, cwd: o.cwd });
}

function mayHaveConfig(cwd: string): boolean {
  for (let dir = path.resolve(cwd); ; ) {
    if (RC_FILES.some((f) => existsSync(path.join(dir, f)))) return true;
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as Record<string, unknown>;
        if (json !== null && typeof json === 'object' && 'tradebot' in json) return true;
      } catch {
        return true; // let the real loader report it
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
