import os from 'node:os';
import path from 'node:path';

export interface ResolveHomeOptions {
  /** the config's `home` key (already anchored to the config file's directory), or null */
  configHome?: string | null;
  env?: NodeJS.ProcessEnv;
  /** for tests: process.platform by default */
  platform?: NodeJS.Platform;
  /** for tests: os.homedir() by default */
  homedir?: string;
  /** what a relative TRADEBOT_HOME is relative to (default: process.cwd()) */
  cwd?: string;
}

/**
 * tradebot's home directory (state, candle cache), first found wins:
 * config `home` → TRADEBOT_HOME → the platform's per-user data directory
 * (Linux `$XDG_DATA_HOME/tradebot` or `~/.local/share/tradebot`; macOS
 * `~/Library/Application Support/tradebot`; Windows `%LOCALAPPDATA%\tradebot`).
 * Nothing is created here.
 */
export function resolveHome(o: ResolveHomeOptions = {}): string {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  if (o.configHome) return path.resolve(cwd, o.configHome);
  if (env.TRADEBOT_HOME) return path.resolve(cwd, env.TRADEBOT_HOME);
  const platform = o.platform ?? process.platform;
  const home = o.homedir ?? os.homedir();
  // the platform's own path flavour, so a Windows path is built with backslashes even in tests on Linux
  if (platform === 'win32') {
    const p = path.win32;
    return p.join(env.LOCALAPPDATA || p.join(home, 'AppData', 'Local'), 'tradebot');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'tradebot');
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored
  const xdg = env.XDG_DATA_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share'), 'tradebot');
}

/** `<home>/cache`: one directory per exchange below it. */
export function cacheRoot(home: string): string {
  return path.join(home, 'cache');
}
