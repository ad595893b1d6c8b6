// Installs the bench's peer (grademark 0.3 and data-forge) from the npm registry into a directory
// under the OS temp dir, once; returns its node_modules, or null when it cannot be installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// grademark 0.3.0 requires chai at run time without declaring it
export const PEER_PACKAGES = ['grademark@0.3.0', 'data-forge@1.10.5', 'chai@4.2.0'];

export function installPeers() {
  const dir = join(tmpdir(), 'tradebot-bench-peers', PEER_PACKAGES.join('+').replace(/[@/]/g, '_'));
  const modules = join(dir, 'node_modules');
  if (existsSync(join(modules, 'grademark', 'package.json')) && existsSync(join(modules, 'data-forge', 'package.json'))) return modules;
  mkdirSync(dir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--silent', ...PEER_PACKAGES], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    process.stderr.write(`bench: cannot install ${PEER_PACKAGES.join(' ')} (${(r.stderr || r.error?.message || '').trim().split('\n')[0]}); the grademark comparison is skipped\n`);
    return null;
  }
  return modules;
}
